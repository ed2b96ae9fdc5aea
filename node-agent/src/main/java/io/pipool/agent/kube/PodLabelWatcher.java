package io.pipool.agent.kube;

import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.pipool.agent.status.AgentState;
import io.pipool.api.v1alpha1.PiServerPool;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mirrors the agent's own pod label {@code pipool.io/serving} into its state: read-only, watching
 * only its own pod (field selector on metadata.name). Before the first event, and when the label is
 * absent, the configured initial mode stays.
 *
 * <p>The first list can fail (on a real node the in-cluster API address may not be reachable yet
 * when the agent starts), and Fabric8's informer then stops for good. So the watcher lists once
 * itself, retrying with a doubling pause ({@link #FIRST_RETRY} up to {@link #LAST_RETRY}) for as
 * long as the agent runs, and starts the informer only after a list answered. Each failed try is
 * one log line, and the serving reason ({@code /readyz}, {@code /v1/status}) says what it waits
 * for.
 */
public final class PodLabelWatcher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PodLabelWatcher.class);

  /** The pause after the first failed try. */
  static final Duration FIRST_RETRY = Duration.ofSeconds(1);

  /** The longest pause between tries. */
  static final Duration LAST_RETRY = Duration.ofSeconds(30);

  private final KubernetesClient client;
  private final String namespace;
  private final String pod;
  private final AgentState state;
  private final ScheduledExecutorService tries;
  private Duration pause = FIRST_RETRY;
  private int failures;
  private volatile SharedIndexInformer<Pod> informer;
  private volatile boolean closed;

  private PodLabelWatcher(KubernetesClient client, String namespace, String pod, AgentState state) {
    this.client = client;
    this.namespace = namespace;
    this.pod = pod;
    this.state = state;
    this.tries =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "pod-watch-" + pod);
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts watching; returns at once (listing and watching go on in the background). */
  public static PodLabelWatcher start(
      KubernetesClient client, String namespace, String pod, AgentState state) {
    PodLabelWatcher w = new PodLabelWatcher(client, namespace, pod, state);
    w.tries.execute(w::attempt);
    return w;
  }

  /** One try: list the own pod; on success start the informer, else schedule the next try. */
  private void attempt() {
    if (closed) {
      return;
    }
    try {
      client
          .pods()
          .inNamespace(namespace)
          .withField("metadata.name", pod)
          .list(new ListOptionsBuilder().withLimit(1L).build());
    } catch (RuntimeException e) {
      failed(e);
      return;
    }
    if (failures > 0) {
      state.servingSource("waiting for label " + PiServerPool.SERVING_LABEL);
    }
    SharedIndexInformer<Pod> inf =
        client.pods().inNamespace(namespace).withField("metadata.name", pod).runnableInformer(0);
    inf.addEventHandler(handler(state));
    informer = inf;
    inf.start()
        .whenComplete(
            (v, e) -> {
              if (e != null) {
                inf.stop();
                tries.execute(() -> failed(e));
              } else if (failures > 0) {
                LOG.info("watching pod {}/{} after {} failed tries", namespace, pod, failures);
              }
            });
  }

  private void failed(Throwable e) {
    if (closed) {
      return;
    }
    failures++;
    String why =
        "waiting for the Kubernetes API at "
            + client.getMasterUrl()
            + " to watch pod "
            + namespace
            + "/"
            + pod
            + " ("
            + rootCause(e)
            + "); try "
            + failures
            + ", next in "
            + pause.toSeconds()
            + " s";
    // keep the mode the agent has (initial or last seen), say why it cannot follow the label
    state.servingSource(why);
    LOG.warn(why);
    tries.schedule(this::attempt, pause.toMillis(), TimeUnit.MILLISECONDS);
    pause = pause.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : pause.multipliedBy(2);
  }

  /** The innermost cause, one line: its type and message. */
  static String rootCause(Throwable e) {
    Throwable c = e;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    String msg = c.getMessage() == null ? "" : ": " + c.getMessage();
    return (c.getClass().getSimpleName() + msg).replaceAll("\\s+", " ").trim();
  }

  private static ResourceEventHandler<Pod> handler(AgentState state) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(Pod p) {
        apply(p, state);
      }

      @Override
      public void onUpdate(Pod old, Pod p) {
        apply(p, state);
      }

      @Override
      public void onDelete(Pod p, boolean finalStateUnknown) {
        state.labelServing(false, "own pod deleted");
      }
    };
  }

  /** Applies one pod's label to the state. */
  static void apply(Pod p, AgentState state) {
    Map<String, String> labels = p.getMetadata().getLabels();
    String value = labels == null ? null : labels.get(PiServerPool.SERVING_LABEL);
    if (value == null) {
      return;
    }
    boolean serving = "true".equals(value);
    boolean was = state.labelServing(serving, "label " + PiServerPool.SERVING_LABEL + "=" + value);
    if (was != serving) {
      LOG.info(
          "pod {}/{} label {}={}",
          p.getMetadata().getNamespace(),
          p.getMetadata().getName(),
          PiServerPool.SERVING_LABEL,
          value);
    }
  }

  @Override
  public void close() {
    closed = true;
    tries.shutdownNow();
    SharedIndexInformer<Pod> inf = informer;
    if (inf != null) {
      inf.close();
    }
  }
}

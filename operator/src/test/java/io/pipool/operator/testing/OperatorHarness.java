package io.pipool.operator.testing;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.pipool.api.testing.SteppingClock;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.autoscale.PoolAutoscaler;
import io.pipool.operator.PiPoolOperator;
import io.pipool.operator.config.OperatorConfig;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real operator against Fabric8's mock API server in CRUD mode. The CRD is deliberately
 * not installed in the mock: with it, the mock strips status on create and then rejects the JSON
 * patch the SDK sends for the first status write (a real API server accepts it).
 */
public final class OperatorHarness implements AutoCloseable {

  public final KubernetesClient client;
  public final KubernetesMockServer server;
  public final SteppingClock clock =
      new SteppingClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  public final PiPoolOperator operator;

  public OperatorHarness(
      KubernetesClient client, KubernetesMockServer server, Map<String, String> env) {
    this.client = client;
    this.server = server;
    this.operator = PiPoolOperator.start(client, config(env), clock, new PoolAutoscaler());
  }

  /**
   * How long the operator waits for an agent's answer in these tests: long enough for a fake agent
   * on loopback to answer on a loaded build machine; an agent meant to miss it answers far later.
   */
  public static final Duration POLL_TIMEOUT = Duration.ofSeconds(2);

  /** Test settings: no leader election, no HTTP port, no server-side apply (the mock lacks it). */
  public static OperatorConfig config(Map<String, String> extra) {
    Map<String, String> env = new java.util.HashMap<>();
    env.put(OperatorConfig.LEADER_ELECTION, "false");
    env.put(OperatorConfig.HTTP_PORT, "-1");
    env.put(OperatorConfig.SERVER_SIDE_APPLY, "false");
    env.put(OperatorConfig.AGENT_IMAGE, "pipool/node-agent:test");
    env.put(OperatorConfig.POLL_TIMEOUT_MS, String.valueOf(POLL_TIMEOUT.toMillis()));
    env.put(OperatorConfig.RESTORE_CHECK_SECONDS, "1");
    env.putAll(extra);
    return OperatorConfig.fromEnv(env);
  }

  /** Creates a namespace for one test's pool. */
  public void namespace(String namespace) {
    client
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
        .create();
  }

  public PiServerPool get(String namespace, String name) {
    return client.resources(PiServerPool.class).inNamespace(namespace).withName(name).get();
  }

  /** Edits a pool like kubectl edit: retried when the operator wrote its status in between. */
  public static void edit(
      KubernetesClient client,
      String namespace,
      String name,
      java.util.function.Consumer<PiServerPool> change) {
    for (int attempt = 1; ; attempt++) {
      try {
        client
            .resources(PiServerPool.class)
            .inNamespace(namespace)
            .withName(name)
            .edit(
                p -> {
                  change.accept(p);
                  return p;
                });
        return;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 10) {
          throw e;
        }
      }
    }
  }

  public void edit(
      String namespace, String name, java.util.function.Consumer<PiServerPool> change) {
    edit(client, namespace, name, change);
  }

  public List<Pod> pods(String namespace) {
    return client.pods().inNamespace(namespace).list().getItems();
  }

  public String servingLabel(String namespace, String pod) {
    Pod p = client.pods().inNamespace(namespace).withName(pod).get();
    return p == null ? null : p.getMetadata().getLabels().get(PiServerPool.SERVING_LABEL);
  }

  public List<Event> events(String namespace) {
    return client.events().v1().events().inNamespace(namespace).list().getItems();
  }

  public boolean hasEvent(String namespace, String reason) {
    return events(namespace).stream().anyMatch(e -> reason.equals(e.getReason()));
  }

  /** Whether a Warning with this reason and a note containing {@code text} was recorded. */
  public boolean hasWarning(String namespace, String reason, String text) {
    return events(namespace).stream()
        .anyMatch(
            e ->
                reason.equals(e.getReason())
                    && "Warning".equals(e.getType())
                    && e.getNote().contains(text));
  }

  /** Drops everything recorded so far. */
  public void drainRequests() {
    while (take(10) != null) {
      // discard
    }
  }

  /** Requests recorded since the last drain, in order. */
  public List<RecordedRequest> requests() {
    List<RecordedRequest> out = new ArrayList<>();
    RecordedRequest r;
    while ((r = take(10)) != null) {
      out.add(r);
    }
    return out;
  }

  private RecordedRequest take(long millis) {
    try {
      return server.takeRequest(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  public void step(Duration by) {
    clock.advance(by);
  }

  /**
   * Waits until what {@code read} returns matches, stepping the clock one second (the tests' poll
   * interval) at most once per second of real time: a poll is only started when the clock has moved
   * on, so a poll that answers late or fails on a loaded machine is followed by another instead of
   * by none, and a pod that appeared after a poll started is polled at the next one. The clock
   * never runs ahead of real time, or an answer would be too old (stale after three intervals) by
   * the time a slow reconcile reads it. Not for a test that counts the seconds of a window exactly:
   * the clock moves while this waits.
   */
  public <T> T polledUntil(
      String what, java.util.concurrent.Callable<T> read, java.util.function.Predicate<T> done) {
    long[] lastStep = {System.nanoTime() - Duration.ofSeconds(1).toNanos()};
    return Waiting.eventually(what)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              long now = System.nanoTime();
              if (now - lastStep[0] >= Duration.ofSeconds(1).toNanos()) {
                step(Duration.ofSeconds(1));
                lastStep[0] = now;
              }
              return read.call();
            },
            done);
  }

  @Override
  public void close() {
    operator.stop();
  }
}

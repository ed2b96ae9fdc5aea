package io.pipool.operator.reconciler;

import static io.pipool.operator.testing.Waiting.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.api.v1alpha1.PiServerPoolStatus;
import io.pipool.operator.PiPoolOperator;
import io.pipool.operator.testing.FakeAgents;
import io.pipool.operator.testing.Fixtures;
import io.pipool.operator.testing.OperatorHarness;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A reconcile still running while the operator stops (SIGTERM, a lost lease) reads the SDK's
 * informer caches after they were dropped, so it sees a pool without pods or DaemonSet. Published,
 * that showed DESIRED 0 until the next leader took over; it must publish nothing.
 */
@EnableKubernetesMockClient(crud = true)
class OperatorStopTest {

  static KubernetesClient client;
  static KubernetesMockServer server;

  /**
   * The system clock, except that once armed the next reading a reconcile takes at its start
   * (before it reads any cache) waits until released: a reconcile held at its start.
   */
  static final class GateClock extends Clock {
    private final AtomicBoolean armed = new AtomicBoolean();
    private final CountDownLatch held = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    @Override
    public Instant instant() {
      if (readByReconcileStart() && armed.compareAndSet(true, false)) {
        held.countDown();
        boolean interrupted = false;
        while (true) {
          try {
            release.await();
            break;
          } catch (InterruptedException e) {
            // the SDK's stop interrupts reconciles it gave up waiting for; this one must go on,
            // as a reconcile busy in a client call would
            interrupted = true;
          }
        }
        if (interrupted) {
          Thread.interrupted();
        }
      }
      return Instant.now();
    }

    /** The reconcile's own first reading, before it reads any cache (not one in mid-decision). */
    private static boolean readByReconcileStart() {
      return StackWalker.getInstance()
          .walk(frames -> frames.skip(2).findFirst())
          .map(f -> f.getMethodName().equals("doReconcile"))
          .orElse(false);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  private static PiServerPoolStatus status(String ns) {
    PiServerPool p = client.resources(PiServerPool.class).inNamespace(ns).withName("web").get();
    return p == null ? null : p.getStatus();
  }

  @Test
  void aReconcileOutlivingTheStopPublishesNothingFromTheDroppedCaches() throws Exception {
    String ns = "stop";
    client
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .create();
    try (FakeAgents agents = FakeAgents.start(90, "pi-1", "pi-2", "pi-3")) {
      for (String node : new String[] {"pi-1", "pi-2", "pi-3"}) {
        agents.answer(node, Fixtures.status(node, 0, 50, false));
      }
      PiServerPool pool = Fixtures.pool(ns, "web");
      pool.getSpec().getServer().setAdminPort(agents.port());
      pool.getSpec().setReplicas(2);
      pool.getSpec().getAutoscaling().setPollIntervalSeconds(1);
      client.resource(pool).create();
      for (String node : new String[] {"pi-1", "pi-2", "pi-3"}) {
        client.resource(Fixtures.agentPod(ns, "web", node, agents.ip(node))).create();
      }
      GateClock clock = new GateClock();
      PiPoolOperator op = PiPoolOperator.start(client, OperatorHarness.config(Map.of()), clock);
      Thread stopper = new Thread(op::stop, "test-stop");
      try {
        eventually("two of three nodes serving, published")
            .until(
                () -> status(ns),
                s ->
                    s != null
                        && Integer.valueOf(2).equals(s.getDesiredReplicas())
                        && Integer.valueOf(2).equals(s.getReplicas())
                        && s.getNodes().size() == 3);

        // the next reconcile (due within a poll interval) is held at its start
        clock.armed.set(true);
        assertThat(clock.held.await(20, TimeUnit.SECONDS)).as("a reconcile held").isTrue();
        PiServerPoolStatus published = status(ns);
        stopper.start();
        // the SDK stops its informers, then gives up waiting for the held reconcile
        stopper.join(Duration.ofSeconds(30).toMillis());
        assertThat(stopper.isAlive()).as("the operator stopped").isFalse();
        clock.release.countDown();

        // the held reconcile goes on through the workflow (seconds, on a loaded machine) first
        eventually("the published status holding after the stop")
            .during(Duration.ofSeconds(8))
            .atMost(Duration.ofSeconds(20))
            .untilAsserted(
                () -> {
                  PiServerPoolStatus now = status(ns);
                  assertThat(now.getDesiredReplicas()).isEqualTo(published.getDesiredReplicas());
                  assertThat(now.getReplicas()).isEqualTo(published.getReplicas());
                  assertThat(now.getNodes()).hasSize(3);
                  assertThat(now.getConditions()).isEqualTo(published.getConditions());
                });
      } finally {
        clock.release.countDown();
        if (!stopper.isAlive()) {
          op.stop();
        }
      }
    }
  }
}

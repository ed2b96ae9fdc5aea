package io.pipool.operator.reconciler;

import static io.pipool.operator.testing.Waiting.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.operator.model.RestoreJobModel;
import io.pipool.operator.testing.Fixtures;
import io.pipool.operator.testing.OperatorHarness;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Deleting a pool: restore Jobs per node, waiting for them, the timeout, and no restore. */
@EnableKubernetesMockClient(crud = true)
class PoolDeletionTest {

  static KubernetesClient client;
  static KubernetesMockServer server;
  static OperatorHarness harness;

  @BeforeAll
  static void start() {
    harness = new OperatorHarness(client, server, Map.of());
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  /** A pool with two agent pods, reconciled at least once (so it carries the finalizer). */
  private static void runningPool(String ns, boolean restore) {
    harness.namespace(ns);
    PiServerPool pool = Fixtures.pool(ns, "web");
    pool.getSpec().getSysctls().setRestoreOnDelete(restore);
    client.resource(pool).create();
    client.resource(Fixtures.agentPod(ns, "web", "pi-1", "127.0.0.91")).create();
    client.resource(Fixtures.agentPod(ns, "web", "pi-2", "127.0.0.92")).create();
    eventually("pool reconciled with both nodes")
        .until(
            () -> {
              PiServerPool p = harness.get(ns, "web");
              return p.getStatus() != null
                  && p.getStatus().getNodes() != null
                  && p.getStatus().getNodes().size() == 2
                  && p.getMetadata().getFinalizers() != null
                  && !p.getMetadata().getFinalizers().isEmpty();
            });
  }

  private static List<Job> jobs(String ns) {
    return client.batch().v1().jobs().inNamespace(ns).list().getItems();
  }

  @Test
  void deletionRunsOneRestoreJobPerNodeAndReleasesThePoolWhenTheyFinish() {
    runningPool("restore", true);
    client.resources(PiServerPool.class).inNamespace("restore").withName("web").delete();

    eventually("two restore Jobs").until(() -> jobs("restore").size() == 2);
    for (Job job : jobs("restore")) {
      var pod = job.getSpec().getTemplate().getSpec();
      assertThat(pod.getNodeName()).isIn("pi-1", "pi-2");
      assertThat(job.getMetadata().getName()).isEqualTo("web-restore-" + pod.getNodeName());
      assertThat(pod.getRestartPolicy()).isEqualTo("Never");
      Container c = pod.getContainers().get(0);
      assertThat(c.getArgs())
          .containsExactly("restore-sysctls", "--config", "/etc/pi-pool/agent.yaml");
      assertThat(c.getSecurityContext().getPrivileged()).isTrue();
      assertThat(c.getVolumeMounts())
          .extracting("mountPath")
          .contains("/host/proc/sys", "/var/lib/pi-pool");
      assertThat(pod.getVolumes())
          .extracting("name")
          .containsExactly("config", "host-proc-sys", "state");
    }
    eventually("agents stopped first")
        .until(
            () ->
                client.apps().daemonSets().inNamespace("restore").withName("web-agent").get()
                    == null);
    PiServerPool deleting =
        eventually("restore progress in status")
            .until(
                () -> harness.get("restore", "web"),
                p ->
                    p != null
                        && (p.getStatus().getRestore() != null
                            && Integer.valueOf(2)
                                .equals(p.getStatus().getRestore().getTotalNodes())));
    assertThat(deleting.getMetadata().getDeletionTimestamp()).isNotNull();
    eventually("RestoreStarted event").until(() -> harness.hasEvent("restore", "RestoreStarted"));

    finish("restore", "web-restore-pi-1");
    eventually("one node restored")
        .until(
            () -> {
              PiServerPool p = harness.get("restore", "web");
              return p != null
                  && p.getStatus().getRestore().getRestoredNodes() != null
                  && p.getStatus().getRestore().getRestoredNodes().equals(List.of("pi-1"));
            });
    assertThat(harness.get("restore", "web")).as("still waiting for pi-2").isNotNull();

    finish("restore", "web-restore-pi-2");
    eventually("pool released").until(() -> harness.get("restore", "web") == null);
    assertThat(harness.events("restore"))
        .anyMatch(
            e -> "SysctlsRestored".equals(e.getReason()) && e.getNote().contains("2 of 2 nodes"));
  }

  @Test
  void aRestoreThatDoesNotFinishIsAbandonedAfterTheTimeoutWithAWarning() {
    runningPool("timeout", true);
    client.resources(PiServerPool.class).inNamespace("timeout").withName("web").delete();
    eventually("two restore Jobs").until(() -> jobs("timeout").size() == 2);
    finish("timeout", "web-restore-pi-1");
    eventually("pi-1 restored")
        .until(
            () -> {
              PiServerPool p = harness.get("timeout", "web");
              return p != null
                  && List.of("pi-1").equals(p.getStatus().getRestore().getRestoredNodes());
            });
    eventually("within the timeout the pool waits")
        .during(Duration.ofMillis(1500))
        .until(() -> harness.get("timeout", "web") != null);

    harness.step(Duration.ofSeconds(121));
    eventually("pool released").until(() -> harness.get("timeout", "web") == null);
    assertThat(harness.events("timeout"))
        .anyMatch(
            e ->
                "RestoreTimedOut".equals(e.getReason())
                    && "Warning".equals(e.getType())
                    && e.getNote().contains("pi-2")
                    && !e.getNote().contains("pi-1"));
  }

  @Test
  void aLeaderKilledWhileItCreatedTheJobsLeavesNoNodeUnrestored() {
    runningPool("killed", true);
    // what a leader SIGKILLed after its first Job and before its status write leaves behind
    client
        .resource(
            RestoreJobModel.job(
                harness.get("killed", "web"), "pi-1", "pi-pool-agent:test", Duration.ofMinutes(2)))
        .create();
    client.resources(PiServerPool.class).inNamespace("killed").withName("web").delete();

    eventually("a restore Job for each node, pi-2's too").until(() -> jobs("killed").size() == 2);
    finish("killed", "web-restore-pi-1");
    eventually("the pool waiting for pi-2")
        .during(Duration.ofMillis(1500))
        .until(() -> harness.get("killed", "web") != null);
    finish("killed", "web-restore-pi-2");
    eventually("pool released").until(() -> harness.get("killed", "web") == null);
    assertThat(harness.events("killed"))
        .anyMatch(
            e -> "SysctlsRestored".equals(e.getReason()) && e.getNote().contains("2 of 2 nodes"));
  }

  @Test
  void withoutRestoreOnDeleteThePoolGoesAtOnce() {
    runningPool("norestore", false);
    client.resources(PiServerPool.class).inNamespace("norestore").withName("web").delete();
    eventually("pool released").until(() -> harness.get("norestore", "web") == null);
    assertThat(jobs("norestore")).isEmpty();
  }

  private static void finish(String ns, String job) {
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(ns)
        .withName(job)
        .editStatus(
            j -> {
              j.setStatus(new JobStatusBuilder().withSucceeded(1).build());
              return j;
            });
  }
}

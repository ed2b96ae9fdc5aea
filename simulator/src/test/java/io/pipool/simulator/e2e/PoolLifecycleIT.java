package io.pipool.simulator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.pipool.api.v1alpha1.PiServerPool;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The pool's whole story on a real control plane (PIPOOL_IT_KUBECONFIG), with the operator
 * installed from manifests/ and run exactly as installed: two replicas with the ServiceAccount's
 * token, leader election and server-side apply on. The real scheduler and DaemonSet, Job and
 * garbage-collector controllers do their part; the simulator plays only the kubelet of its nodes.
 * Between the shared steps it checks what a user sees through kubectl, a leader failover, and the
 * API server restarting under the operator.
 */
class PoolLifecycleIT extends PoolLifecycleStory {

  private static final String KUBECONFIG = System.getenv("PIPOOL_IT_KUBECONFIG");

  /** bin/control-plane of the cluster under test, when the test may restart its API server. */
  private static final String CONTROL_PLANE = System.getenv("PIPOOL_IT_CONTROL_PLANE");

  @Override
  SimCluster newCluster() {
    if (KUBECONFIG == null || KUBECONFIG.isBlank()) {
      // printed as well, so the skip shows in the build log and not only in the report files
      System.out.println("SKIPPED PoolLifecycleIT: PIPOOL_IT_KUBECONFIG is not set");
    }
    Assumptions.assumeTrue(
        KUBECONFIG != null && !KUBECONFIG.isBlank(),
        "PIPOOL_IT_KUBECONFIG is not set: skipping the real-cluster story");
    return SimCluster.real(Path.of(KUBECONFIG), 4, 30);
  }

  private String kubectl(String... args) {
    return Kubectl.run(Path.of(KUBECONFIG), args);
  }

  @Test
  @Order(35)
  void theInstalledOperatorKeepsItsLeaseAndItsEventsShowInKubectl() {
    // the shipped Role once lacked `patch`: the first renewal failed and the lease was lost
    InstalledOperator op = c.installed();
    await("the leader holding its lease across 30 s of renewals")
        .atMost(Duration.ofSeconds(90))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              var spec =
                  c.client
                      .leases()
                      .inNamespace(InstalledOperator.NAMESPACE)
                      .withName(InstalledOperator.LEASE)
                      .get()
                      .getSpec();
              assertThat(Duration.between(spec.getAcquireTime(), spec.getRenewTime()))
                  .as(op::logs)
                  .isGreaterThanOrEqualTo(Duration.ofSeconds(30));
            });
    assertThat(op.replicas()).as(op.logs()).allMatch(InstalledOperator.Replica::alive);
    Lease lease =
        c.client
            .leases()
            .inNamespace(InstalledOperator.NAMESPACE)
            .withName(InstalledOperator.LEASE)
            .get();
    assertThat(lease.getSpec().getHolderIdentity())
        .isIn(op.replicas().stream().map(r -> r.name).toList());
    assertThat(lease.getSpec().getRenewTime())
        .as("renewed within the lease duration")
        .isAfter(ZonedDateTime.now().minusSeconds(15));
    assertThat(op.replicas())
        .allSatisfy(r -> assertThat(r.logText()).doesNotContain("Forbidden", "forbidden"));

    String reasons = kubectl("get", "events", "-n", c.ns, "-o", "jsonpath={.items[*].reason}");
    assertThat(reasons.split(" ")).contains("ScaledUp");
    String described = kubectl("describe", "piserverpool", SimCluster.POOL, "-n", c.ns);
    assertThat(described).contains("Events:").contains("ScaledUp");
  }

  @Test
  @Order(36)
  void kubectlPrintsThePoolsColumnsAndExplainsItsFields() {
    // the status may change between kubectl's read and ours: compare until both saw the same one
    await("kubectl's row to show the pool's status")
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              List<String> lines = kubectl("get", "pisp", "-n", c.ns).lines().toList();
              assertThat(lines.get(0).split("\\s{2,}"))
                  .containsExactly(
                      "NAME", "DESIRED", "SERVING", "NODES", "TARGETS", "MAX °C", "READY", "AGE");
              List<String> row = Arrays.asList(lines.get(1).trim().split("\\s+"));
              PiServerPool p = c.pool();
              assertThat(row.subList(0, 4))
                  .containsExactly(
                      SimCluster.POOL,
                      String.valueOf(p.getStatus().getDesiredReplicas()),
                      String.valueOf(p.getStatus().getReplicas()),
                      "4");
            });
    String explained = kubectl("explain", "piserverpool.spec.thermal");
    assertThat(explained)
        .contains("drainCelsius")
        .contains("resumeCelsius")
        .contains("criticalCelsius");
  }

  @Test
  @Order(45)
  void theOtherReplicaTakesTheLeaseAndReconciles() {
    String stopped = c.lastStopped();
    InstalledOperator op = c.installed();
    await("a replica other than " + stopped + " leading")
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(op.leader() != null && !stopped.equals(op.leader().name))
                    .as(op::logs)
                    .isTrue());
    c.bumpGenerationAndAwaitObserved("after the failover");
    // the on-call's view: who leads since when, and from whom it took over
    String leader = op.leader().name;
    await("status.leader naming " + leader)
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(c.pool().getStatus().getLeader().getReplica())
                    .as(c::describe)
                    .isEqualTo(leader));
    await("kubectl describe telling of the failover")
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(kubectl("describe", "piserverpool", SimCluster.POOL, "-n", c.ns))
                    .contains("Leader:")
                    .containsPattern("Replica:\\s+" + leader)
                    .contains("LeaderChanged")
                    .contains(leader + " leads since ")
                    .contains("taking over from " + stopped));
  }

  @Test
  @Order(47)
  void theOperatorRecoversWhenTheApiServerRestarts() throws Exception {
    if (CONTROL_PLANE == null || CONTROL_PLANE.isBlank()) {
      System.out.println(
          "SKIPPED PoolLifecycleIT API server restart: PIPOOL_IT_CONTROL_PLANE is not set");
    }
    Assumptions.assumeTrue(
        CONTROL_PLANE != null && !CONTROL_PLANE.isBlank(),
        "PIPOOL_IT_CONTROL_PLANE is not set: the API server is not ours to restart");
    Process restart =
        new ProcessBuilder(CONTROL_PLANE, "restart-apiserver", "3").inheritIO().start();
    assertThat(restart.waitFor()).as("bin/control-plane restart-apiserver").isZero();
    InstalledOperator op = c.installed();
    // a replica that lost its lease while the API server was away exits (the Deployment would
    // restart it); the operator as a whole must lead again and reconcile
    c.startOperator();
    await("a replica leading again")
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .untilAsserted(() -> assertThat(op.leader() != null).as(op::logs).isTrue());
    c.bumpGenerationAndAwaitObserved("after the API server restart");
  }

  @Test
  @Order(55)
  void kubectlScaleSetsTheServingCountThroughTheScaleSubresource() {
    c.editPool(p -> p.getSpec().getAutoscaling().setEnabled(false));
    kubectl("scale", "piserverpool/" + SimCluster.POOL, "-n", c.ns, "--replicas=2");
    await("two nodes serving after kubectl scale")
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(() -> assertThat(c.servingNodes().size() == 2).as(c::describe).isTrue());
    assertThat(c.pool().getSpec().getReplicas()).isEqualTo(2);
    // the operator relabels the pods before it writes status: the status may trail the labels
    await("status.replicas 2 in kubectl")
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(
                        kubectl(
                            "get",
                            "piserverpool/" + SimCluster.POOL,
                            "-n",
                            c.ns,
                            "-o",
                            "jsonpath={.status.replicas}"))
                    .isEqualTo("2"));
  }
}

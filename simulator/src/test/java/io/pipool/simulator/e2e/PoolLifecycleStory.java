package io.pipool.simulator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pipool.api.v1alpha1.NodeStatus;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.simulator.PoolTuning;
import io.pipool.simulator.load.LoadGenerator;
import io.pipool.simulator.node.NodeFiles;
import io.pipool.simulator.node.SimNode;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole story on a four-node simulated cluster with the real operator and agents, one step per
 * test, in order: the pool comes up and tunes every node, load scales it up, a hot node is drained
 * and a standby takes over, the operator restarts without flapping, load leaves and the pool scales
 * down after its window, and deleting the pool restores every node and collects everything it
 * owned.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class PoolLifecycleStory {

  static final Duration WAIT = Duration.ofSeconds(60);
  static final int TARGET_PER_NODE = 100;
  static final int SCALE_DOWN_WINDOW = 6;

  SimCluster c;
  LoadGenerator load;

  /** The cluster the story runs on. */
  abstract SimCluster newCluster();

  @BeforeAll
  void start() {
    c = newCluster();
    c.startOperator();
    c.applyExample(new PoolTuning(null, null, 1, TARGET_PER_NODE, SCALE_DOWN_WINDOW, 1, 3));
    load = c.startFront().load();
  }

  @AfterAll
  void stop() {
    if (c != null) {
      c.close();
    }
  }

  @Test
  @Order(10)
  void everyNodeRunsAnAgentAndHoldsTheProfileSysctls() {
    await("an agent on each of the 4 nodes, all with sysctls applied, one serving")
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(c.pool().getStatus().getNodes())
                  .as(c::describe)
                  .hasSize(4)
                  .allMatch(n -> n.getSysctls() == NodeStatus.SysctlState.Applied);
              assertThat(c.servingNodes()).as(c::describe).hasSize(1);
            });
    for (SimNode n : c.sim.nodes().values()) {
      assertThat(NodeFiles.readSysctl(n, "net.core.somaxconn")).isEqualTo("4096");
      assertThat(NodeFiles.readSysctl(n, "net.ipv4.tcp_max_syn_backlog")).isEqualTo("4096");
      assertThat(NodeFiles.readSysctl(n, "net.ipv4.ip_local_port_range")).isEqualTo("1024 65535");
      assertThat(NodeFiles.readSysctl(n, "net.core.netdev_max_backlog")).isEqualTo("4096");
    }
  }

  @Test
  @Order(20)
  void loadScalesThePoolUp() {
    load.target(280);
    c.awaitServingUnderLoad(
        "three nodes serving 280 connections",
        WAIT,
        load,
        serving -> serving.hasSize(3),
        () -> assertThat(load.stats().open()).as("open connections").isGreaterThanOrEqualTo(270));
    // two reads of the labels: compare until both saw the same serving set
    await("the Service selecting exactly the serving nodes")
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () -> assertThat(c.serviceSelection()).as(c::describe).isEqualTo(c.servingNodes()));
    // the operator relabels the pods before it writes status: the status may trail the labels
    await("status.desiredReplicas 3")
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(c.pool().getStatus().getDesiredReplicas()).as(c::describe).isEqualTo(3));
  }

  @Test
  @Order(30)
  void aHotNodeLeavesTheServiceAndAStandbyServesInItsPlace() {
    Set<String> before = c.servingNodes();
    String hot = before.iterator().next();
    c.sim.thermal().model(hot).setExtraAmbient(45);
    await(hot + " out of rotation and three others serving")
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              Set<String> now = c.serviceSelection();
              assertThat(!now.contains(hot) && now.size() == 3)
                  .as(() -> c.describe() + "load: " + load.stats())
                  .isTrue();
            });
    // the operator relabels the pods before it writes status: the phase may trail the Service
    await(hot + " reported Hot or Draining in status")
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(
                        Set.of(NodeStatus.Phase.Hot, NodeStatus.Phase.Draining)
                            .contains(c.phaseOf(hot)))
                    .as(() -> c.describe())
                    .isTrue());
    await("the balancer to move connections off " + hot)
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(
                        load.stats().perNode().getOrDefault(hot, 0) == 0
                            && load.stats().open() >= 270)
                    .as(() -> "load: " + load.stats())
                    .isTrue());
    c.sim.thermal().model(hot).setExtraAmbient(0);
  }

  @Test
  @Order(40)
  void anOperatorRestartKeepsTheServingSetAndDoesNotFlap() throws InterruptedException {
    Set<String> before = c.servingNodes();
    Integer desired = c.pool().getStatus().getDesiredReplicas();
    int recommendations = c.pool().getStatus().getRecommendations().size();
    c.stopOperator();
    assertThat(c.servingNodes()).isEqualTo(before);
    c.startOperator();
    // six poll intervals of the restarted operator: the serving set and the published decision
    // must hold still the whole time, not only at the end (a stopping leader once published
    // DESIRED 0 for the seconds until the next one took over). Looked at until the six seconds
    // are over, the first look that differs failing: a loaded machine makes the looks slower, but
    // cannot fail a window that held (an await's deadline half a second past it could)
    long end = System.nanoTime() + Duration.ofSeconds(6).toNanos();
    do {
      PiServerPool p = c.pool();
      assertThat(c.servingNodes()).as(c::describe).isEqualTo(before);
      assertThat(p.getStatus().getDesiredReplicas()).as(c::describe).isEqualTo(desired);
      assertThat(p.getStatus().getRecommendations())
          .as(c::describe)
          .hasSizeGreaterThanOrEqualTo(Math.min(1, recommendations));
      Thread.sleep(100);
    } while (System.nanoTime() < end);
  }

  @Test
  @Order(50)
  void whenLoadLeavesThePoolScalesDownOnlyAfterItsWindow() {
    load.target(20);
    await("one node serving once load has gone, not before the stabilization window")
        .atLeast(Duration.ofSeconds(SCALE_DOWN_WINDOW - 1))
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(c.servingNodes())
                    .as(() -> c.describe() + "load: " + load.stats())
                    .hasSize(1));
  }

  @Test
  @Order(60)
  void deletingThePoolRestoresTheOriginalsAndCollectsEverything() {
    load.target(0);
    c.client.resources(PiServerPool.class).inNamespace(c.ns).withName(SimCluster.POOL).delete();
    await("the pool gone with everything it owned")
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              var k = c.client;
              assertThat(c.pool()).as(c::describe).isNull();
              assertThat(c.agentPods()).as(c::describe).isEmpty();
              assertThat(k.apps().daemonSets().inNamespace(c.ns).list().getItems()).isEmpty();
              assertThat(k.batch().v1().jobs().inNamespace(c.ns).list().getItems()).isEmpty();
              assertThat(
                      Arrays.asList(
                          k.configMaps().inNamespace(c.ns).withName("web-agent").get(),
                          k.services().inNamespace(c.ns).withName("web").get(),
                          k.serviceAccounts().inNamespace(c.ns).withName("web-agent").get(),
                          k.rbac().roles().inNamespace(c.ns).withName("web-agent").get(),
                          k.rbac().roleBindings().inNamespace(c.ns).withName("web-agent").get()))
                  .as("ConfigMap, Service, ServiceAccount, Role, RoleBinding")
                  .containsOnlyNulls();
              assertThat(c.sim.runningAgents()).as("agents still running").isZero();
            });
    assertThat(c.sysctlsNotRestored()).as("sysctls not back to the node's original").isEmpty();
  }
}

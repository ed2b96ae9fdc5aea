package io.pipool.operator.reconciler;

import static io.pipool.operator.testing.Waiting.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.pipool.api.testing.SteppingClock;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.operator.PiPoolOperator;
import io.pipool.operator.config.OperatorConfig;
import io.pipool.operator.testing.Fixtures;
import io.pipool.operator.testing.OperatorHarness;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Two operator replicas on one Lease: one reconciles, the other takes over when it stops. */
@EnableKubernetesMockClient(crud = true)
class LeaderElectionTest {

  static KubernetesClient client;
  static KubernetesMockServer server;

  private static PiPoolOperator replica(String name) {
    OperatorConfig config =
        OperatorHarness.config(
            Map.of(
                OperatorConfig.LEADER_ELECTION, "true",
                OperatorConfig.LEASE_NAMESPACE, "ops",
                OperatorConfig.POD_NAME, name));
    return PiPoolOperator.start(client, config, new SteppingClock(Instant.now()));
  }

  private static double reconciles(PiPoolOperator op) {
    Double v =
        op.metrics()
            .registry()
            .getSampleValue(
                "pipool_operator_reconciles_total",
                new String[] {"namespace", "pool"},
                new String[] {"lease", "web"});
    return v == null ? 0 : v;
  }

  private static String holder() {
    Lease lease = client.leases().inNamespace("ops").withName("pi-pool-operator-lease").get();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }

  /** The SDK checks its Lease permissions first; the CRUD mock has no RBAC, so answer for it. */
  private static void allowLeases() {
    server
        .expect()
        .post()
        .withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(
            201,
            new SelfSubjectRulesReviewBuilder()
                .withNewStatus()
                .addNewResourceRule()
                .withApiGroups("coordination.k8s.io")
                .withResources("leases")
                .withVerbs("*")
                .endResourceRule()
                .withIncomplete(false)
                .endStatus()
                .build())
        .always();
  }

  @Test
  void withoutALeaseNamespaceTheLeaseGoesToTheContextsNamespaceOrDefault() {
    allowLeases();
    // a kubeconfig context that names no namespace: kubectl would use "default"
    Config noNamespace = new ConfigBuilder(client.getConfiguration()).withNamespace(null).build();
    try (KubernetesClient bare = new KubernetesClientBuilder().withConfig(noNamespace).build()) {
      assertThat(bare.getNamespace()).isNull();
      OperatorConfig config =
          OperatorHarness.config(
              Map.of(OperatorConfig.LEADER_ELECTION, "true", OperatorConfig.POD_NAME, "op-x"));
      PiPoolOperator op = PiPoolOperator.start(bare, config, new SteppingClock(Instant.now()));
      try {
        eventually("op-x holds the lease in default")
            .until(
                () -> {
                  Lease l =
                      client
                          .leases()
                          .inNamespace("default")
                          .withName("pi-pool-operator-lease")
                          .get();
                  return l != null && "op-x".equals(l.getSpec().getHolderIdentity());
                });
      } finally {
        op.stop();
      }
    }
  }

  @Test
  void oneReplicaLeadsAndTheOtherTakesOverWhenItStops() {
    allowLeases();
    client
        .resource(new NamespaceBuilder().withNewMetadata().withName("ops").endMetadata().build())
        .create();
    client
        .resource(new NamespaceBuilder().withNewMetadata().withName("lease").endMetadata().build())
        .create();
    PiPoolOperator a = replica("op-a");
    eventually("op-a holds the lease").until(() -> "op-a".equals(holder()));
    PiPoolOperator b = replica("op-b");
    try {
      client.resource(Fixtures.pool("lease", "web")).create();
      eventually("the leader reconciles").until(() -> reconciles(a) > 0);
      eventually("the status naming op-a as the leader")
          .until(
              () -> {
                PiServerPool p =
                    client.resources(PiServerPool.class).inNamespace("lease").withName("web").get();
                return p.getStatus() != null
                    && p.getStatus().getLeader() != null
                    && "op-a".equals(p.getStatus().getLeader().getReplica());
              });
      eventually("the follower stays idle")
          .during(Duration.ofSeconds(1))
          .until(() -> reconciles(b) == 0);
      assertThat(holder()).isEqualTo("op-a");

      a.stop();
      OperatorHarness.edit(
          client,
          "lease",
          "web",
          p -> {
            p.getSpec().setReplicas(2);
          });
      eventually("op-b takes the lease")
          .atMost(Duration.ofSeconds(40))
          .until(() -> "op-b".equals(holder()));
      eventually("op-b reconciles").until(() -> reconciles(b) > 0);
      // kubectl describe tells the on-call who leads since when, and from whom it took over
      eventually("the status naming op-b as the leader")
          .until(
              () -> {
                PiServerPool p =
                    client.resources(PiServerPool.class).inNamespace("lease").withName("web").get();
                return p.getStatus().getLeader() != null
                    && "op-b".equals(p.getStatus().getLeader().getReplica())
                    && p.getStatus().getLeader().getSince() != null;
              });
      eventually("a LeaderChanged Event from op-a to op-b")
          .until(
              () ->
                  client.events().v1().events().inNamespace("lease").list().getItems().stream()
                      .anyMatch(
                          e ->
                              "LeaderChanged".equals(e.getReason())
                                  && e.getNote().startsWith("op-b leads since ")
                                  && e.getNote()
                                      .contains("taking over from op-a (leading since ")));
    } finally {
      a.stop();
      b.stop();
    }
  }
}

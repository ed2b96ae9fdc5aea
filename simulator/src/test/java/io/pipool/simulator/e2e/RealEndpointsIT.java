package io.pipool.simulator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.api.v1alpha1.ServiceSpec;
import io.pipool.operator.PiPoolOperator;
import io.pipool.operator.config.OperatorConfig;
import io.pipool.simulator.PoolTuning;
import io.pipool.simulator.Simulator;
import io.pipool.simulator.SimulatorConfig;
import io.pipool.simulator.cluster.PodFacts;
import io.pipool.simulator.demo.ServiceEndpoints;
import io.pipool.simulator.net.NodeNetwork;
import io.pipool.simulator.node.SimNode;
import io.pipool.simulator.thermal.ThermalProfile;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Finding 5 of issue 10, on a real control plane (PIPOOL_IT_KUBECONFIG): simulated nodes in the
 * simulator's own network namespace get pod IPs the API server accepts, so Kubernetes' endpoints
 * controller fills the pool's Service with exactly the serving pods, follows the serving count, and
 * a request to an endpoint is answered by that node's agent. Needs root for the namespace.
 */
class RealEndpointsIT {

  private static final String KUBECONFIG = System.getenv("PIPOOL_IT_KUBECONFIG");
  private static final Path CRD = Path.of("../manifests/crd/piserverpools.pipool.io-v1.yml");
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final int NODES = 3;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void theServiceEndpointsAreTheServingPodsAndAnswer() throws Exception {
    skipUnless(
        KUBECONFIG == null || KUBECONFIG.isBlank()
            ? Optional.of("PIPOOL_IT_KUBECONFIG is not set")
            : NodeNetwork.unavailableReason()
                .map(why -> "no network namespace for the simulated nodes: " + why));
    SimulatorConfig config =
        new SimulatorConfig(
            NODES, 1, ThermalProfile.DEFAULT_FULL_LOAD_RPS, Path.of(KUBECONFIG), null, null, true);
    String ns = "pipool-netns-it-" + PodFacts.suffix();
    try (Simulator sim = Simulator.start(config, Clock.systemUTC())) {
      KubernetesClient client = sim.client();
      KubernetesClient operatorClient = sim.newClient("pi-pool-operator");
      PiPoolOperator operator = null;
      try {
        installCrd(client);
        client
            .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
            .create();
        operator = PiPoolOperator.start(operatorClient, operatorConfig(), Clock.systemUTC());
        PiServerPool pool = client.resource(pool(ns, 2)).create();
        String name = pool.getMetadata().getName();
        int port = pool.getSpec().getServer().getPort();

        List<String> two = awaitEndpointsAreServingPods(client, ns, name, 2, port);
        Set<String> nodeAddresses =
            sim.nodes().values().stream().map(SimNode::address).collect(Collectors.toSet());
        assertThat(nodeAddresses).noneMatch(a -> a.startsWith("127."));
        assertThat(two)
            .as("pod IPs are the nodes' addresses in the simulator's namespace")
            .allMatch(e -> nodeAddresses.contains(e.substring(0, e.indexOf(':'))));
        for (String endpoint : two) {
          String ip = endpoint.substring(0, endpoint.indexOf(':'));
          HttpResponse<String> traffic = get("http://" + endpoint + "/");
          assertThat(traffic.statusCode()).as("traffic through " + endpoint).isEqualTo(200);
          assertThat(traffic.body()).hasSize(pool.getSpec().getServer().getEchoBodyBytes());
          // the agent answering at that address is the one of the pod's node
          String node = nodeOfPodIp(client, ns, name, ip);
          HttpResponse<String> status =
              get("http://" + ip + ":" + pool.getSpec().getServer().getAdminPort() + "/v1/status");
          assertThat(status.statusCode()).isEqualTo(200);
          assertThat(Serialization.unmarshal(status.body(), Map.class).get("node"))
              .as("the agent at " + ip)
              .isEqualTo(node);
        }

        scale(client, ns, name, 3);
        awaitEndpointsAreServingPods(client, ns, name, 3, port);
        scale(client, ns, name, 1);
        awaitEndpointsAreServingPods(client, ns, name, 1, port);
      } finally {
        client.resources(PiServerPool.class).inNamespace(ns).withName("web").delete();
        await("the pool deleted (sysctls restored by the Jobs)")
            .atMost(Duration.ofSeconds(60))
            .ignoreExceptions()
            .untilAsserted(
                () ->
                    assertThat(
                            client
                                    .resources(PiServerPool.class)
                                    .inNamespace(ns)
                                    .withName("web")
                                    .get()
                                == null)
                        .isTrue());
        if (operator != null) {
          operator.stop();
        }
        operatorClient.close();
        client.namespaces().withName(ns).delete();
        sim.nodes().keySet().forEach(n -> client.nodes().withName(n).delete());
      }
    }
  }

  private static void skipUnless(Optional<String> reason) {
    reason.ifPresent(
        why -> {
          // printed as well, so the skip shows in the build log and not only in the report files
          System.out.println("SKIPPED RealEndpointsIT: " + why);
          Assumptions.abort(why);
        });
  }

  private static void installCrd(KubernetesClient client) throws Exception {
    CustomResourceDefinition crd;
    try (InputStream in = Files.newInputStream(CRD)) {
      crd = Serialization.unmarshal(in, CustomResourceDefinition.class);
    }
    // as InstalledOperator does: v1.20 refuses x-kubernetes-validations in a server-side apply (a
    // typed patch); a plain create or update drops what it does not know
    client.resource(crd).createOr(NonDeletingOperation::update);
    await("the CRD established")
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(
                        client
                            .apiextensions()
                            .v1()
                            .customResourceDefinitions()
                            .withName(crd.getMetadata().getName())
                            .get()
                            .getStatus()
                            .getConditions()
                            .stream()
                            .anyMatch(
                                c ->
                                    c.getType().equals("Established")
                                        && c.getStatus().equals("True")))
                    .isTrue());
  }

  private static OperatorConfig operatorConfig() {
    return OperatorConfig.fromEnv(
        Map.of(
            OperatorConfig.LEADER_ELECTION, "false",
            OperatorConfig.HTTP_PORT, "-1",
            OperatorConfig.POLL_TIMEOUT_MS, "1000",
            OperatorConfig.RESTORE_CHECK_SECONDS, "1"));
  }

  /** The example pool with autoscaling off, {@code replicas} serving, behind a ClusterIP. */
  private static PiServerPool pool(String ns, int replicas) {
    PiServerPool pool =
        new PoolTuning(null, null, 1, null, null, null, null)
            .apply(PoolTuning.read(Path.of("../manifests/examples/web-pool.yaml")));
    pool.getMetadata().setNamespace(ns);
    pool.getSpec().getAutoscaling().setEnabled(false);
    pool.getSpec().setReplicas(replicas);
    pool.getSpec().getService().setType(ServiceSpec.Type.ClusterIP);
    return pool;
  }

  private static void scale(KubernetesClient client, String ns, String name, int replicas) {
    // a merge patch, as kubectl patch sends: no resourceVersion to race the operator's status
    // writes
    client
        .resources(PiServerPool.class)
        .inNamespace(ns)
        .withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"replicas\":" + replicas + "}}");
  }

  /**
   * Waits until the Service's endpoints, as Kubernetes wrote them, are exactly the pod IPs of the
   * {@code count} pods labelled serving, and returns them.
   */
  private static List<String> awaitEndpointsAreServingPods(
      KubernetesClient client, String ns, String pool, int count, int port) {
    await(count + " endpoints, equal to the serving pods")
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              Set<String> serving = servingPodEndpoints(client, ns, pool, port);
              assertThat(
                      serving.size() == count
                          && serving.equals(new TreeSet<>(ServiceEndpoints.of(client, ns, pool))))
                  .as(
                      () ->
                          "endpoints: "
                              + ServiceEndpoints.of(client, ns, pool)
                              + "\nserving pods: "
                              + servingPodEndpoints(client, ns, pool, port)
                              + "\npods: "
                              + client.pods().inNamespace(ns).list().getItems().stream()
                                  .map(
                                      p ->
                                          p.getMetadata().getName()
                                              + " "
                                              + p.getSpec().getNodeName()
                                              + " "
                                              + p.getStatus().getPodIP()
                                              + " ready="
                                              + PodFacts.ready(p)
                                              + " "
                                              + p.getMetadata().getLabels())
                                  .toList())
                  .isTrue();
            });
    return ServiceEndpoints.of(client, ns, pool);
  }

  private static Set<String> servingPodEndpoints(
      KubernetesClient client, String ns, String pool, int port) {
    return agentPods(client, ns, pool).stream()
        .filter(p -> "true".equals(p.getMetadata().getLabels().get(PiServerPool.SERVING_LABEL)))
        .filter(p -> p.getStatus().getPodIP() != null)
        .map(p -> p.getStatus().getPodIP() + ":" + port)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static String nodeOfPodIp(KubernetesClient client, String ns, String pool, String ip) {
    return agentPods(client, ns, pool).stream()
        .filter(p -> ip.equals(p.getStatus().getPodIP()))
        .map(p -> p.getSpec().getNodeName())
        .findFirst()
        .orElseThrow();
  }

  private static List<Pod> agentPods(KubernetesClient client, String ns, String pool) {
    return client.pods().inNamespace(ns).withLabel(PiServerPool.POOL_LABEL, pool).list().getItems();
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}

package io.pipool.simulator.cluster;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;

/**
 * The embedded Kubernetes API server: Fabric8's mock server in CRUD mode, in this process, with the
 * PiServerPool CRD installed. An in-memory stand-in: objects are stored and watched, but no
 * admission, no schema validation, no controllers of its own (the simulator plays the DaemonSet
 * controller, the Job controller, the garbage collector and the kubelet).
 */
public final class EmbeddedApiServer implements AutoCloseable {

  /**
   * The CRD as published in manifests/crd (the generated one, printer columns in declared order),
   * which the api jar carries.
   */
  public static final String CRD_RESOURCE = "/META-INF/pi-pool/piserverpools.pipool.io-v1.yml";

  // the mock web server logs every request at INFO through java.util.logging; keep it quiet
  private static final java.util.logging.Logger MOCK_LOG = quiet("io.fabric8.mockwebserver");

  private final KubernetesMockServer server;
  private final ApiRequestCounter counter = new ApiRequestCounter();

  private EmbeddedApiServer() {
    KubernetesCrudDispatcher dispatcher = new SimDispatcher(counter);
    server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
  }

  /** Starts a server on a free loopback port and installs the CRD. */
  public static EmbeddedApiServer start() {
    EmbeddedApiServer api = new EmbeddedApiServer();
    try {
      api.server.init(InetAddress.getByName("127.0.0.1"), 0);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
    try (KubernetesClient client = api.newClient("pi-pool-simulator")) {
      client.apiextensions().v1().customResourceDefinitions().resource(crd()).create();
    }
    return api;
  }

  /** A new client whose requests carry {@code userAgent} (counted separately). */
  public KubernetesClient newClient(String userAgent) {
    Config config = new ConfigBuilder(config()).withUserAgent(userAgent).build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** The connection settings of the embedded server. */
  public Config config() {
    return new ConfigBuilder(Config.empty())
        .withMasterUrl("http://127.0.0.1:" + server.getPort())
        .withTrustCerts(true)
        .withNamespace("default")
        .withRequestTimeout(10_000)
        .withConnectionTimeout(5_000)
        // HTTP/1.1 only: the JDK client asks a plain-HTTP server for an h2c upgrade, the mock
        // server (Vert.x) accepts it, and a first request that took that path once hung for good
        .withHttp2Disable(true)
        .build();
  }

  /** The API server's URL. */
  public String url() {
    return "http://127.0.0.1:" + server.getPort();
  }

  /** Writes a kubeconfig for this server, for agents run as separate processes. */
  public Path writeKubeconfig(Path file) {
    return writeKubeconfig(url(), file);
  }

  /** Writes a kubeconfig for the API server at {@code server} (an http URL) into {@code file}. */
  public static Path writeKubeconfig(String server, Path file) {
    String yaml =
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: pi-pool-sim
          cluster:
            server: %s
        contexts:
        - name: pi-pool-sim
          context:
            cluster: pi-pool-sim
            namespace: default
            user: pi-pool-sim
        current-context: pi-pool-sim
        users:
        - name: pi-pool-sim
          user:
            token: simulated
        """
            .formatted(server);
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, yaml);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** Write requests received so far. */
  public ApiRequestCounter writes() {
    return counter;
  }

  /** The published PiServerPool CRD. */
  public static CustomResourceDefinition crd() {
    try (InputStream in = EmbeddedApiServer.class.getResourceAsStream(CRD_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            CRD_RESOURCE + " is not on the classpath: build the api module first");
      }
      CustomResourceDefinition crd =
          io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
              in, CustomResourceDefinition.class);
      return crd;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static java.util.logging.Logger quiet(String name) {
    java.util.logging.Logger l = java.util.logging.Logger.getLogger(name);
    l.setLevel(java.util.logging.Level.WARNING);
    return l;
  }

  @Override
  public void close() {
    server.destroy();
  }
}

package io.pipool.simulator.e2e;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The operator installed as a user installs it: {@code kubectl kustomize manifests/} applied, and
 * the operator's jar run as a process with its ServiceAccount's token and the Deployment's own
 * environment (leader election on, server-side apply on). Each {@link Replica} plays one of the
 * Deployment's pods. Two things of the install are not applied: the Deployment itself (this
 * cluster's nodes are simulated, so its image cannot run; the same jar runs as a process instead)
 * and the PodDisruptionBudget ({@code policy/v1} arrived in Kubernetes 1.21; the packaging tests
 * check it).
 */
final class InstalledOperator implements AutoCloseable {

  static final String NAMESPACE = "pi-pool-system";
  static final String SERVICE_ACCOUNT = "pi-pool-operator";
  static final String LEASE = "pi-pool-operator-lease";
  static final Path MANIFESTS = Path.of("../manifests");
  static final Path JAR = Path.of("../operator/target/pi-pool-operator.jar");

  private final KubernetesClient admin;
  private final Path work;
  private final Path kubeconfig;
  private final Map<String, String> deploymentEnv;
  private final List<Replica> replicas = new ArrayList<>();

  private InstalledOperator(
      KubernetesClient admin, Path work, Path kubeconfig, Map<String, String> env) {
    this.admin = admin;
    this.work = work;
    this.kubeconfig = kubeconfig;
    this.deploymentEnv = env;
    // a test JVM stopped by a signal must not leave operator processes behind
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> List.copyOf(replicas).forEach(r -> r.process.destroyForcibly()),
                "pi-pool-it-operator-cleanup"));
  }

  /** Applies the install manifests and prepares the ServiceAccount's kubeconfig. */
  static InstalledOperator install(KubernetesClient admin, Path work) {
    String rendered = Kubectl.run(null, "kustomize", MANIFESTS.toString());
    List<HasMetadata> objects =
        admin.load(new ByteArrayInputStream(rendered.getBytes(StandardCharsets.UTF_8))).items();
    Deployment deployment = null;
    for (HasMetadata o : objects) {
      if (o instanceof Deployment d) {
        deployment = d;
      } else if ("CustomResourceDefinition".equals(o.getKind())) {
        // like `kubectl apply --validate=false`: a server-side apply is a typed patch, and 1.20
        // refuses x-kubernetes-validations there (a plain update drops what it does not know)
        admin.resource(o).createOr(NonDeletingOperation::update);
      } else if (!"PodDisruptionBudget".equals(o.getKind())) {
        admin.resource(o).fieldManager("pi-pool-install").forceConflicts().serverSideApply();
      }
    }
    if (deployment == null) {
      throw new IllegalStateException("manifests/ renders no operator Deployment");
    }
    Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar e : container.getEnv()) {
      env.put(e.getName(), valueOf(e));
    }
    try {
      Files.createDirectories(work);
      Path kubeconfig = work.resolve("operator-sa.kubeconfig");
      Files.writeString(kubeconfig, serviceAccountKubeconfig(admin));
      return new InstalledOperator(admin, work, kubeconfig, env);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String valueOf(EnvVar e) {
    if (e.getValueFrom() == null) {
      return e.getValue() == null ? "" : e.getValue();
    }
    String field = e.getValueFrom().getFieldRef().getFieldPath();
    if ("metadata.namespace".equals(field)) {
      return NAMESPACE;
    }
    throw new IllegalStateException("the Deployment's env " + e.getName() + " reads " + field);
  }

  /**
   * A kubeconfig holding only the ServiceAccount's token (from the Secret the token controller of
   * Kubernetes 1.20 creates); like in-cluster credentials, and its context names no namespace.
   */
  private static String serviceAccountKubeconfig(KubernetesClient admin) {
    Secret secret =
        await("the token Secret of ServiceAccount " + SERVICE_ACCOUNT)
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptions()
            .until(
                () -> {
                  ServiceAccount sa =
                      admin
                          .serviceAccounts()
                          .inNamespace(NAMESPACE)
                          .withName(SERVICE_ACCOUNT)
                          .get();
                  if (sa == null || sa.getSecrets() == null || sa.getSecrets().isEmpty()) {
                    return null;
                  }
                  Secret s =
                      admin
                          .secrets()
                          .inNamespace(NAMESPACE)
                          .withName(sa.getSecrets().get(0).getName())
                          .get();
                  return s != null && s.getData() != null && s.getData().containsKey("token")
                      ? s
                      : null;
                },
                Objects::nonNull);
    String token =
        new String(
            Base64.getDecoder().decode(secret.getData().get("token")), StandardCharsets.UTF_8);
    Config c = admin.getConfiguration();
    String ca = secret.getData().get("ca.crt");
    return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: cluster
          cluster: {server: "%s", certificate-authority-data: "%s"}
        users:
        - name: %s
          user: {token: "%s"}
        contexts:
        - name: operator
          context: {cluster: cluster, user: %s}
        current-context: operator
        """
        .formatted(c.getMasterUrl(), ca, SERVICE_ACCOUNT, token, SERVICE_ACCOUNT);
  }

  /** Starts one more replica, as the Deployment's pod {@code podName} would run. */
  Replica start(String podName) {
    try {
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      Path log = work.resolve(podName + ".log");
      ProcessBuilder pb =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-XX:+UseSerialGC",
                  "-Xmx154m",
                  "-jar",
                  JAR.toString())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      pb.environment().keySet().removeIf(k -> k.startsWith("PIPOOL_") || k.equals("KUBECONFIG"));
      pb.environment().putAll(deploymentEnv);
      pb.environment().put("KUBECONFIG", kubeconfig.toString());
      pb.environment().put("HOSTNAME", podName);
      // two replicas on one machine cannot share the container's port 8080
      pb.environment().put("PIPOOL_HTTP_PORT", String.valueOf(port));
      Replica r = new Replica(podName, pb.start(), port, log);
      replicas.add(r);
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the operator jar " + JAR, e);
    }
  }

  /** The replica holding the Lease now, or null. */
  Replica leader() {
    String holder = holder();
    return replicas.stream()
        .filter(r -> r.name.equals(holder) && r.alive())
        .findFirst()
        .orElse(null);
  }

  /** The Lease's holder identity, or null. */
  String holder() {
    Lease lease = admin.leases().inNamespace(NAMESPACE).withName(LEASE).get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }

  List<Replica> replicas() {
    return replicas;
  }

  /** The last lines of every replica's log, for failure messages. */
  String logs() {
    StringBuilder sb = new StringBuilder();
    for (Replica r : replicas) {
      sb.append("--- ").append(r.name).append(r.alive() ? " (running)" : " (exited)").append('\n');
      try {
        List<String> lines = Files.readAllLines(r.log);
        lines
            .subList(Math.max(0, lines.size() - 15), lines.size())
            .forEach(l -> sb.append(l).append('\n'));
      } catch (IOException e) {
        sb.append("(no log)\n");
      }
    }
    return sb.toString();
  }

  @Override
  public void close() {
    replicas.forEach(Replica::stop);
  }

  /** One operator process. */
  static final class Replica {
    final String name;
    final Process process;
    final int httpPort;
    final Path log;

    Replica(String name, Process process, int httpPort, Path log) {
      this.name = name;
      this.process = process;
      this.httpPort = httpPort;
      this.log = log;
    }

    boolean alive() {
      return process.isAlive();
    }

    /** SIGTERM, as the kubelet stops a pod; the operator shuts down gracefully. */
    void stop() {
      process.destroy();
      try {
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /** SIGKILL: the process gets no chance to finish anything it was doing. */
    void kill() {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    String logText() {
      try {
        return Files.readString(log);
      } catch (IOException e) {
        return "";
      }
    }
  }
}

package io.pipool.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.pipool.api.sysctl.SysctlRules;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.api.v1alpha1.PiServerPoolSpec;
import io.pipool.api.v1alpha1.SysctlSpec;
import io.pipool.operator.model.AgentConfigModel;
import io.pipool.operator.model.DaemonSetModel;
import io.pipool.operator.model.RestoreJobModel;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent image bin/images builds, run by podman the way the operator runs it on a node: the
 * server container with the DaemonSet's securityContext, and the privileged apply-sysctls and
 * restore-sysctls steps writing real kernel values. Every container has its own network namespace,
 * and the host's values are checked to be untouched.
 *
 * <p>The DaemonSet, the restore Job and agent.yaml come from the operator's own builders. Two
 * things differ from a node, on purpose: the host's /proc/sys is not mounted (the steps write the
 * container's own /proc/sys, whose net.* entries belong to the pod's network namespace), and the
 * pod's network namespace has only loopback (a node's agent uses the host network).
 */
class AgentImageIT {

  private static final String IMAGE_NAME = "pipool/node-agent:" + Repo.version();

  /** A value the profile changes, set on the pod's namespace like a node's own setting. */
  private static final String NODE_SOMAXCONN = "1024";

  @TempDir Path dir;

  private Podman podman;
  private String image;
  private final List<String> containers = new ArrayList<>();

  @BeforeEach
  void load() {
    podman = Podman.require();
    image = podman.load("node-agent", Platforms.host());
  }

  @AfterEach
  void removeContainers() {
    containers.forEach(podman::remove);
  }

  @Test
  void serverRunsAsUid10001OnAReadOnlyRootWithoutCapabilitiesAndServes() throws Exception {
    PodSpec pod = daemonSetPod(pool(null));
    Container agent = container(pod.getContainers(), DaemonSetModel.CONTAINER);
    int port = freePort();
    int admin = freePort();
    String name =
        start(
            pod,
            agent,
            "slirp4netns",
            List.of(
                "--publish",
                "127.0.0.1:" + port + ":8080",
                "--publish",
                "127.0.0.1:" + admin + ":9090"));

    HttpResponse<String> health =
        Podman.awaitHttp(
            "http://127.0.0.1:" + admin + "/healthz", Duration.ofSeconds(60), podman, name);
    assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
    HttpResponse<String> echo =
        // the traffic port may open after the admin port: its own bound, as long as the first
        Podman.awaitHttp("http://127.0.0.1:" + port + "/", Duration.ofSeconds(60), podman, name);
    assertThat(echo.statusCode()).as(echo.body()).isEqualTo(200);
    assertThat(echo.body()).isNotEmpty();

    // what the kernel says about the serving process, not what podman was asked for
    long pid = podman.pid(name);
    assertThat(Podman.procStatus(pid, "Uid").split("\\s+")).containsOnly("10001");
    assertThat(Podman.procStatus(pid, "Gid").split("\\s+")).containsOnly("10001");
    assertThat(Podman.procStatus(pid, "CapEff")).isEqualTo("0000000000000000");
    assertThat(Podman.procStatus(pid, "CapPrm")).isEqualTo("0000000000000000");
    assertThat(Podman.procStatus(pid, "CapBnd")).isEqualTo("0000000000000000");
    assertThat(Podman.procStatus(pid, "NoNewPrivs")).isEqualTo("1");
    assertThat(Podman.rootMountOptions(pid)).contains("ro");
    // the image itself runs as the DaemonSet's uid, so runAsNonRoot holds without an override
    Podman.Run user = podman.podman(30, "image", "inspect", "--format", "{{.Config.User}}", image);
    assertThat(user.output().strip()).isEqualTo("10001:10001");
  }

  @Test
  void theTrainedAotCacheLoadsWithTheImagesFlags() {
    // -XX:AOTMode=on makes a cache that does not fit this JVM, jar or flags fatal
    Podman.Run on = java(List.of(), "-XX:AOTMode=on", "-Xlog:aot=info");
    assertThat(on.exit()).as(on.output()).isZero();
    assertThat(on.output()).contains("serve --config").doesNotContain("error");
  }

  @Test
  void aCorruptAotCacheIsReportedAndIgnored() throws Exception {
    // a cache that is not one (a truncated or overwritten file): the JVM says so and runs anyway
    Path bad = Files.createDirectories(dir.resolve("aot"));
    byte[] junk = new byte[64 * 1024];
    new java.util.Random(22).nextBytes(junk);
    Files.write(bad.resolve("corrupt.aot"), junk);
    readableByAll(bad);
    Podman.Run run =
        java(
            List.of("--volume", bad + ":/aot:ro"),
            "-XX:AOTCache=/aot/corrupt.aot",
            "-XX:AOTMode=auto");
    assertThat(run.exit()).as(run.output()).isZero();
    assertThat(run.output())
        .contains("An error has occurred while processing the AOT cache")
        .contains("serve --config");
  }

  @Test
  void aMismatchedAotCacheIsReportedAndIgnored() {
    // the image's own cache with a JVM setting it was not trained with: reported, not used, and
    // the agent still starts (an operator who overrides a flag gets a slower start, not an outage)
    List<String> flags = ImageRecipe.read(AGENT_RECIPE).config().entrypoint();
    String flipped =
        flags.contains("-XX:+UseCompactObjectHeaders")
            ? "-XX:-UseCompactObjectHeaders"
            : "-XX:+UseCompactObjectHeaders";
    Podman.Run run = java(List.of(), flipped);
    assertThat(run.exit()).as(run.output()).isZero();
    assertThat(run.output())
        .contains("UseCompactObjectHeaders setting")
        .contains("does not equal")
        .contains("serve --config");
  }

  private static final String AGENT_RECIPE = "node-agent/src/main/image/image.json";

  /**
   * Runs the image's java with its entrypoint's flags, then the extra flags (later flags win), and
   * --help; podman options go before the image.
   */
  private Podman.Run java(List<String> podmanOptions, String... extraFlags) {
    List<String> entrypoint = ImageRecipe.read(AGENT_RECIPE).config().entrypoint();
    List<String> args = new ArrayList<>(List.of("run", "--rm", "--network", "none"));
    args.addAll(Podman.RUN_LIMITS);
    args.addAll(podmanOptions);
    args.addAll(List.of("--entrypoint", "java", image));
    args.addAll(entrypoint.subList(1, entrypoint.size() - 2));
    args.addAll(List.of(extraFlags));
    args.addAll(entrypoint.subList(entrypoint.size() - 2, entrypoint.size()));
    args.add("--help");
    return podman.podman(120, args);
  }

  private static void readableByAll(Path folder) throws IOException {
    Files.setPosixFilePermissions(
        folder, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    try (var files = Files.list(folder)) {
      for (Path f : files.toList()) {
        Files.setPosixFilePermissions(
            f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
      }
    }
    Files.setPosixFilePermissions(
        folder.getParent(), java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @Test
  void applySysctlsTunesThePodsNetworkNamespaceAndRestorePutsTheOriginalsBack() throws Exception {
    // the profile's values, and the reserved ports apply-sysctls adds the agent's ports to before
    // it widens the ephemeral range over them
    java.util.Set<String> touched = new java.util.TreeSet<>(SysctlRules.HIGH_CONCURRENCY.keySet());
    touched.add(SysctlRules.RESERVED_PORTS);
    Map<String, String> host = hostValues(touched);
    PodSpec pod = daemonSetPod(pool(null));
    String server = startPodNetwork(pod);
    long pid = podman.pid(server);
    Map<String, String> before = netnsValues(pid, touched);
    assertThat(before).containsEntry("net.core.somaxconn", NODE_SOMAXCONN);
    assertThat(before)
        .as("the profile must change every value, or this proves nothing")
        .allSatisfy((k, v) -> assertThat(v).isNotEqualTo(SysctlRules.HIGH_CONCURRENCY.get(k)));

    Container init = container(pod.getInitContainers(), DaemonSetModel.INIT_CONTAINER);
    Podman.Run apply = step(pod, init, server);
    System.out.println(
        "[pi-pool] apply-sysctls in the pod's network namespace:\n" + apply.output());
    assertThat(apply.exit()).as(apply.output()).isZero();
    for (String name : SysctlRules.HIGH_CONCURRENCY.keySet()) {
      assertThat(apply.output()).contains(name + " = " + SysctlRules.HIGH_CONCURRENCY.get(name));
    }
    assertThat(netnsValues(pid, SysctlRules.HIGH_CONCURRENCY.keySet()))
        .isEqualTo(SysctlRules.HIGH_CONCURRENCY);
    assertThat(netnsValues(pid, java.util.Set.of(SysctlRules.RESERVED_PORTS)))
        .as("the agent's ports, inside the widened range, reserved")
        .hasEntrySatisfying(
            SysctlRules.RESERVED_PORTS, v -> assertThat(v).contains("8080").contains("9090"));
    assertThat(savedOriginals()).isEqualTo(before);
    assertThat(hostValues(host.keySet())).as("the host's own values").isEqualTo(host);

    PodSpec restoreJob = restoreJobPod();
    Podman.Run restore =
        step(restoreJob, container(restoreJob.getContainers(), RestoreJobModel.CONTAINER), server);
    System.out.println("[pi-pool] restore-sysctls:\n" + restore.output());
    assertThat(restore.exit()).as(restore.output()).isZero();
    assertThat(netnsValues(pid, touched)).isEqualTo(before);
    assertThat(stateDir().resolve("sysctl-originals.json")).doesNotExist();
    assertThat(hostValues(host.keySet())).as("the host's own values").isEqualTo(host);
  }

  @Test
  void aDisallowedSysctlIsRefusedAndNothingIsWritten() throws Exception {
    // kernel.pid_max is not per network namespace: written from a privileged container it would
    // change the whole machine, which is exactly why the allowlist refuses it
    Map<String, String> values = new LinkedHashMap<>();
    values.put("net.core.somaxconn", "2048");
    values.put("kernel.pid_max", "65536");
    List<String> names = List.of("net.core.somaxconn", "kernel.pid_max");
    Map<String, String> host = hostValues(names);
    // the pod's network is held by an agent with an allowed configuration of its own (its own
    // ConfigMap folder): `serve` itself refuses a disallowed sysctl (exit 2), which would take the
    // namespace with it before the init step could be checked
    configFolder = "config-network-holder";
    String server = startPodNetwork(daemonSetPod(pool(Map.of("net.core.somaxconn", "2048"))));
    long pid = podman.pid(server);
    configFolder = "config";
    PodSpec pod = daemonSetPod(pool(values));

    Podman.Run apply =
        step(pod, container(pod.getInitContainers(), DaemonSetModel.INIT_CONTAINER), server);
    // exit 2: a refused configuration, as for every bad configuration
    assertThat(apply.exit()).as(apply.output()).isEqualTo(2);
    assertThat(apply.output()).contains("kernel.pid_max").contains("is not allowed");
    assertThat(netnsValues(pid, List.of("net.core.somaxconn")))
        .containsEntry("net.core.somaxconn", NODE_SOMAXCONN);
    assertThat(stateDir().resolve("sysctl-originals.json")).doesNotExist();
    assertThat(hostValues(names)).as("the host's own values").isEqualTo(host);
  }

  // --- the pod, as the operator builds it ------------------------------------------------------

  private static PiServerPool pool(Map<String, String> sysctls) {
    PiServerPool pool = new PiServerPool();
    pool.getMetadata().setName("images-it");
    pool.getMetadata().setNamespace("web");
    pool.setSpec(new PiServerPoolSpec());
    if (sysctls != null) {
      SysctlSpec s = new SysctlSpec();
      s.setProfile(SysctlSpec.Profile.None);
      s.setValues(sysctls);
      pool.getSpec().setSysctls(s);
    }
    return pool;
  }

  /** The folder the next pod's "config" volume (its ConfigMap) is written to and mounted from. */
  private String configFolder = "config";

  private PodSpec daemonSetPod(PiServerPool pool) throws IOException {
    Files.createDirectories(dir.resolve(configFolder));
    Files.writeString(
        dir.resolve(configFolder).resolve("agent.yaml"), AgentConfigModel.yaml(pool.getSpec()));
    Files.createDirectories(stateDir());
    return DaemonSetModel.daemonSet(pool, IMAGE_NAME).getSpec().getTemplate().getSpec();
  }

  private PodSpec restoreJobPod() {
    Job job = RestoreJobModel.job(pool(null), "it-node", IMAGE_NAME, Duration.ofSeconds(60));
    return job.getSpec().getTemplate().getSpec();
  }

  private static Container container(List<Container> containers, String name) {
    return containers.stream()
        .filter(c -> c.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no container " + name + " in " + containers));
  }

  /** Podman flags for a container's volume mounts, with test folders for the pod's volumes. */
  private List<String> mounts(Container c) {
    List<String> flags = new ArrayList<>();
    c.getVolumeMounts()
        .forEach(
            m -> {
              boolean ro = Boolean.TRUE.equals(m.getReadOnly());
              switch (m.getName()) {
                case "config" ->
                    flags.addAll(
                        List.of(
                            "--volume",
                            dir.resolve(configFolder) + ":" + m.getMountPath() + ":ro"));
                case "state" ->
                    flags.addAll(
                        List.of(
                            "--volume",
                            stateDir() + ":" + m.getMountPath() + (ro ? ":ro" : ":rw")));
                case "tmp" -> flags.addAll(List.of("--tmpfs", m.getMountPath() + ":size=64m"));
                // never the host's /proc/sys: the steps use the container's own (see above)
                case "host-proc-sys" -> {}
                default -> throw new AssertionError("unexpected volume " + m.getName());
              }
            });
    flags.addAll(List.of("--env", "PIPOOL_SYSCTLS_PROCROOT=/proc/sys"));
    flags.addAll(List.of("--env", "PIPOOL_NODE_NAME=it-node", "--env", "PIPOOL_POD_NAME=it-pod"));
    flags.addAll(List.of("--env", "PIPOOL_POD_NAMESPACE=web"));
    return flags;
  }

  private Path stateDir() {
    return dir.resolve("state");
  }

  /** Starts a long-running container (the agent server) and returns its name. */
  private String start(PodSpec pod, Container c, String network, List<String> extra) {
    String name = "pipool-it-" + UUID.randomUUID().toString().substring(0, 8);
    List<String> args = new ArrayList<>(List.of("run", "--detach", "--name", name));
    args.addAll(Podman.RUN_LIMITS);
    args.addAll(Podman.securityFlags(pod.getSecurityContext(), c.getSecurityContext()));
    args.addAll(mounts(c));
    args.addAll(List.of("--network", network));
    args.addAll(extra);
    args.add(image);
    args.addAll(c.getArgs());
    Podman.Run run = podman.podman(120, args);
    assertThat(run.exit()).as("podman %s: %s", args, run.output()).isZero();
    containers.add(name);
    return name;
  }

  /**
   * Starts the agent server with only loopback, holding the pod's network namespace (as a pause
   * container would), where somaxconn starts at {@link #NODE_SOMAXCONN}.
   */
  private String startPodNetwork(PodSpec pod) {
    return start(
        pod,
        container(pod.getContainers(), DaemonSetModel.CONTAINER),
        "none",
        List.of("--sysctl", "net.core.somaxconn=" + NODE_SOMAXCONN));
  }

  /** Runs a one-shot step in the network namespace of {@code server}, as a pod's init would. */
  private Podman.Run step(PodSpec pod, Container c, String server) {
    List<String> args = new ArrayList<>(List.of("run", "--rm"));
    args.addAll(Podman.RUN_LIMITS);
    args.addAll(Podman.securityFlags(pod.getSecurityContext(), c.getSecurityContext()));
    assertThat(args)
        .as("the step runs privileged as root, like the operator's")
        .contains("--privileged", "0");
    args.addAll(mounts(c));
    args.addAll(List.of("--network", "container:" + server));
    args.add(image);
    args.addAll(c.getArgs());
    return podman.podman(120, args);
  }

  // --- reading sysctls ---------------------------------------------------------------------------

  private static Map<String, String> hostValues(Iterable<String> names) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    for (String name : names) {
      out.put(name, SysctlRules.normalise(Files.readString(procFile(name))));
    }
    return out;
  }

  /** Values as seen from the container's network namespace (net.* entries are per namespace). */
  private static Map<String, String> netnsValues(long pid, Iterable<String> names)
      throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    for (String name : names) {
      Podman.Run cat =
          Podman.exec(
              List.of(
                  "nsenter", "--net=/proc/" + pid + "/ns/net", "cat", procFile(name).toString()),
              30);
      assertThat(cat.exit()).as(cat.output()).isZero();
      out.put(name, SysctlRules.normalise(cat.output()));
    }
    return out;
  }

  private static Path procFile(String name) {
    return Path.of("/proc/sys/" + name.replace('.', '/'));
  }

  private Map<String, String> savedOriginals() throws IOException {
    Path file = stateDir().resolve("sysctl-originals.json");
    assertThat(file).exists();
    Map<String, String> saved =
        new ObjectMapper().readValue(file.toFile(), new TypeReference<Map<String, String>>() {});
    Map<String, String> out = new LinkedHashMap<>();
    saved.forEach((k, v) -> out.put(k, SysctlRules.normalise(v)));
    return out;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}

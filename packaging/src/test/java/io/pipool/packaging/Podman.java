package io.pipool.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The images bin/images builds, run under a real container runtime: rootful podman with runc, in a
 * private storage folder of this module's target/, so nothing of the machine's own podman state is
 * touched. Containers get their own network namespace (none, or slirp4netns publishing on 127.0.0.1
 * only): never the host's, so a sysctl written inside one never reaches the host.
 *
 * <p>Where podman or the images cannot be had, the tests are skipped with the reason printed; with
 * {@code PIPOOL_CONTAINER_TESTS=required} (CI, after .ci/images) the same reasons fail them.
 */
final class Podman {

  /** What this machine needs for podman 4.3 to start containers (issue 13). */
  static final List<String> RUN_LIMITS =
      List.of("--ulimit", "nofile=4096:20000", "--ulimit", "nproc=4096:4096");

  private static final Map<String, String> LOADED = new HashMap<>();
  private static Podman instance;
  private static String unavailable;

  private final Path storage;

  private Podman(Path storage) {
    this.storage = storage;
  }

  /** The runtime, or a skipped test (a failed one when CI requires the container tests). */
  static synchronized Podman require() {
    if (instance == null && unavailable == null) {
      unavailable = whyUnavailable();
      if (unavailable == null) {
        instance = new Podman(Repo.path("packaging/target/podman"));
      }
    }
    if (unavailable != null) {
      skip(unavailable);
    }
    return instance;
  }

  private static void skip(String reason) {
    String message = "container tests skipped: " + reason;
    if ("required".equals(System.getenv("PIPOOL_CONTAINER_TESTS"))) {
      throw new AssertionError(message + " (PIPOOL_CONTAINER_TESTS=required)");
    }
    System.out.println("[pi-pool] " + message);
    Assumptions.abort(message);
  }

  private static String whyUnavailable() {
    if (!"Linux".equals(System.getProperty("os.name"))) {
      return "podman containers need Linux";
    }
    try {
      Run version = exec(List.of("podman", "--version"), 30);
      if (version.exit() != 0) {
        return "podman --version failed: " + version.output();
      }
      Run id = exec(List.of("id", "-u"), 10);
      if (!id.output().strip().equals("0")) {
        return "the tests run rootful podman (privileged sysctl step, runc); this user is not root";
      }
    } catch (IOException e) {
      return "podman is not installed (apt-get install podman runc slirp4netns)";
    }
    return null;
  }

  /** Where bin/images writes: $PIPOOL_IMAGES_DIR, or target/images at the repository root. */
  static Path imagesDir() {
    String dir = System.getenv("PIPOOL_IMAGES_DIR");
    return dir == null || dir.isBlank() ? Repo.path("target/images") : Path.of(dir);
  }

  /** Loads an image archive once per test run; returns the image id to run. */
  synchronized String load(String name, String arch) {
    String key = name + "-linux-" + arch;
    String id = LOADED.get(key);
    if (id == null) {
      Path archive = imagesDir().resolve(key + ".oci.tar");
      if (!Files.isRegularFile(archive)) {
        Path leftOut = imagesDir().resolve("linux-" + arch + ".left-out");
        if (Files.isRegularFile(leftOut)) {
          // bin/images left the platform out (PIPOOL_IMAGES_EMULATED=cached and building its
          // base failed) and said why: its base needs no emulation any more, so that is a failed
          // build where the tests are required, and a skip with the reason elsewhere
          skip("bin/images left linux-" + arch + " out: " + readLeftOut(leftOut));
        }
        skip(archive + " is missing: run bin/images");
      }
      Run load = podman(600, "load", "--quiet", "--input", archive.toString());
      assertThat(load.exit()).as("podman load %s: %s", key, load.output()).isZero();
      // "Loaded image: <name or id>"; the id is what is run, whatever name podman chose
      String loaded = load.output().strip().replaceAll("(?s).*Loaded image\\(?s?\\)?: *", "");
      Run inspect = podman(60, "image", "inspect", "--format", "{{.Id}}", loaded.strip());
      assertThat(inspect.exit()).as("podman image inspect: %s", inspect.output()).isZero();
      id = inspect.output().strip();
      LOADED.put(key, id);
    }
    return id;
  }

  private static String readLeftOut(Path note) {
    try {
      return Files.readString(note).strip();
    } catch (IOException e) {
      throw new AssertionError("cannot read " + note + ": " + e.getMessage(), e);
    }
  }

  /** Runs podman with this suite's storage, runtime and cgroup manager. */
  Run podman(int timeoutSeconds, String... args) {
    List<String> command = new ArrayList<>(base());
    command.addAll(List.of(args));
    try {
      return exec(command, timeoutSeconds);
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command + ": " + e.getMessage(), e);
    }
  }

  Run podman(int timeoutSeconds, List<String> args) {
    return podman(timeoutSeconds, args.toArray(String[]::new));
  }

  private List<String> base() {
    return List.of(
        "podman",
        "--root",
        storage.resolve("root").toString(),
        "--runroot",
        storage.resolve("run").toString(),
        "--tmpdir",
        storage.resolve("tmp").toString(),
        "--runtime",
        "runc",
        "--cgroup-manager=cgroupfs",
        "--events-backend=file");
  }

  /** The host pid of a running container's first process. */
  long pid(String container) {
    Run r = podman(30, "inspect", "--format", "{{.State.Pid}}", container);
    assertThat(r.exit()).as(r.output()).isZero();
    return Long.parseLong(r.output().strip());
  }

  /** Removes a container, running or not; its logs are printed first for the test report. */
  void remove(String container) {
    Run logs = podman(30, "logs", container);
    System.out.println("[pi-pool] logs of " + container + ":\n" + logs.output());
    podman(60, "rm", "--force", "--time", "5", container);
  }

  /**
   * Podman flags for a Kubernetes securityContext (pod and container level), the way the kubelet
   * applies it: user and group, read-only root, capabilities, privilege escalation, privileged.
   */
  static List<String> securityFlags(PodSecurityContext pod, SecurityContext c) {
    List<String> flags = new ArrayList<>();
    Long user =
        c.getRunAsUser() != null ? c.getRunAsUser() : pod == null ? null : pod.getRunAsUser();
    Long group =
        c.getRunAsGroup() != null ? c.getRunAsGroup() : pod == null ? null : pod.getRunAsGroup();
    if (user != null) {
      flags.addAll(List.of("--user", group == null ? "" + user : user + ":" + group));
    }
    if (Boolean.TRUE.equals(c.getPrivileged())) {
      flags.add("--privileged");
    }
    if (Boolean.TRUE.equals(c.getReadOnlyRootFilesystem())) {
      // only what the pod mounts is writable: no tmpfs of podman's own on /tmp, /run, /var/tmp
      flags.addAll(List.of("--read-only", "--read-only-tmpfs=false"));
    }
    if (Boolean.FALSE.equals(c.getAllowPrivilegeEscalation())) {
      flags.addAll(List.of("--security-opt", "no-new-privileges"));
    }
    Capabilities caps = c.getCapabilities();
    if (caps != null) {
      caps.getDrop().forEach(cap -> flags.addAll(List.of("--cap-drop", cap)));
      caps.getAdd().forEach(cap -> flags.addAll(List.of("--cap-add", cap)));
    }
    return flags;
  }

  /** One line of /proc/PID/status, e.g. "Uid" or "CapEff", without its label. */
  static String procStatus(long pid, String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith(field + ":")) {
        return line.substring(field.length() + 1).strip();
      }
    }
    throw new AssertionError("/proc/" + pid + "/status has no " + field);
  }

  /** The options of the mount at "/" as the process sees it (its root filesystem). */
  static List<String> rootMountOptions(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/mountinfo"))) {
      String[] f = line.split(" ");
      if (f[4].equals("/")) {
        return List.of(f[5].split(","));
      }
    }
    throw new AssertionError("no root mount in /proc/" + pid + "/mountinfo");
  }

  /** Polls a URL until it answers (any status), up to the deadline; returns the last answer. */
  static HttpResponse<String> awaitHttp(String url, Duration deadline, Podman podman, String ctr)
      throws InterruptedException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long end = System.nanoTime() + deadline.toNanos();
    Exception last = null;
    while (System.nanoTime() < end) {
      try {
        return client.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        last = e;
      }
      Run state = podman.podman(30, "inspect", "--format", "{{.State.Running}}", ctr);
      if (!state.output().strip().equals("true")) {
        throw new AssertionError(
            ctr + " stopped before " + url + " answered: " + podman.podman(30, "logs", ctr));
      }
      TimeUnit.MILLISECONDS.sleep(500);
    }
    throw new AssertionError(url + " did not answer within " + deadline + ": " + last);
  }

  /** A process's exit code and its stdout and stderr together. */
  record Run(int exit, String output) {}

  static Run exec(List<String> command, int timeoutSeconds) throws IOException {
    // output to a file: a pipe nobody reads while waiting would block a chatty process
    Path out = Files.createTempFile("pi-pool-exec", ".out");
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      try {
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new AssertionError(
              command + " did not finish in " + timeoutSeconds + " s: " + Files.readString(out));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
        throw new AssertionError("interrupted: " + command, e);
      }
      return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
    }
  }
}

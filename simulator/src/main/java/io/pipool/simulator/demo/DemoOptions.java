package io.pipool.simulator.demo;

import io.pipool.simulator.load.LoadProfile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The demo's knobs, from the command line (and PIPOOL_DEMO_* variables for the same names).
 *
 * @param nodes simulated Pis
 * @param duration length of the load story
 * @param speed thermal time speed-up
 * @param peak connections at the top of the ramp
 * @param target connections per serving node (behind HAProxy: requests per second per node)
 * @param profile explicit load profile, or null for the default story scaled to duration and peak
 * @param pollSeconds operator poll interval
 * @param scaleDownWindowSeconds scale-down stabilization window
 * @param pool the PiServerPool manifest to apply
 * @param kubeconfig a real cluster to join (kubelet part only), or null for the embedded one
 * @param agentJar run agents as processes from this jar, or null to run them in-process
 * @param kubeconfigOut where to write a kubeconfig for kubectl, or null for the work folder
 * @param netns put the nodes in a network namespace of the simulator's own, with addresses a real
 *     API server accepts for Service endpoints (agents run as processes inside it)
 * @param realNode with kubeconfig: a real node of that cluster (bin/node) that joins the pool
 *     beside the simulated ones, or null
 * @param plain print a line per second instead of redrawing the screen
 * @param help print the usage and exit
 * @param front what balances the load over the nodes
 * @param operator where the operator runs: in the demo's JVM, or one the user runs
 * @param operatorKubeconfig with an external operator: where to write its kubeconfig, or null for
 *     the work folder
 * @param operatorWait how long the story waits for the operator: for the agents to be ready after
 *     the pool is applied, and (half of it, at least 30 s) for the pool's deletion
 */
public record DemoOptions(
    int nodes,
    Duration duration,
    double speed,
    int peak,
    int target,
    LoadProfile profile,
    int pollSeconds,
    int scaleDownWindowSeconds,
    Path pool,
    Path kubeconfig,
    Path agentJar,
    Path kubeconfigOut,
    boolean netns,
    String realNode,
    boolean plain,
    boolean help,
    Front front,
    Operator operator,
    Path operatorKubeconfig,
    Duration operatorWait) {

  /** Where the operator runs. */
  public enum Operator {
    /** In the demo's own JVM (the default). */
    IN_PROCESS,
    /**
     * Not started by the demo: the user runs one (a jar, an image) against the kubeconfig the demo
     * writes; bin/images trains the operator image's AOT cache this way.
     */
    EXTERNAL
  }

  /** What stands between the load generator and the nodes. */
  public enum Front {
    /** HAProxy with agent-check weights when haproxy is on PATH, else the built-in balancer. */
    AUTO,
    /** HAProxy from the operator's front-end ConfigMap, weights from the agents. */
    HAPROXY,
    /** The same HAProxy without agent checks (the pool sets no agentCheckPort). */
    HAPROXY_UNWEIGHTED,
    /** The simulator's own balancer: the serving pods whose /readyz answers 200. */
    BUILTIN
  }

  /** The most connections the demo opens: each costs two file descriptors in this process. */
  public static final int MAX_PEAK = 8000;

  static final String USAGE =
      """
      pi-pool demo: a simulated Raspberry Pi cluster running the real operator and real agents.

      Usage: bin/demo [options]

        --nodes N            simulated Pi 4 nodes (default 6, 1-300)
        --duration SECONDS   length of the load story (default 90)
        --speed X            thermal time speed-up: simulated seconds per second (default 20)
        --peak N             connections at the top of the ramp (default 3200, at most 8000)
        --target N           connections per serving node (default 800): the pool's
                             Connections target with the built-in balancer; behind
                             HAProxy, whose pooled connections the agents cannot
                             count, a RequestsPerSecond target of the same number
                             (each of the load's connections asks once a second)
        --load PROFILE       explicit load profile as seconds:connections pairs, e.g.
                             0:0,30:3200,60:3200,75:300 (default: ramp up, hold, fall)
        --poll SECONDS       operator poll interval (default 2)
        --scale-down-window SECONDS
                             scale-down stabilization window (default 10)
        --pool FILE          PiServerPool manifest (default manifests/examples/web-pool.yaml)
        --kubeconfig FILE    join a real cluster instead of the embedded API server: the
                             simulator then only plays the kubelet of its fake nodes
        --agent-jar FILE     run each agent as a java -jar process (a JVM per node)
        --netns              with --kubeconfig: put the nodes in a network namespace of
                             the simulator's own (addresses 198.18.x.y, which a real API
                             server accepts for Service endpoints; needs root); the agents
                             run inside it in one JVM of their own (a JVM each with
                             --agent-jar)
        --real-node NAME     with --kubeconfig: the pool takes in that real node (bin/node)
                             beside the simulated ones; its agent pod runs from the agent
                             image on a real kubelet
        --local-control-plane
                             (bin/demo) build on first use and start a real Kubernetes
                             v1.20.2 control plane on loopback, run the story on it with
                             --netns, and stop it at the end; with --real-node (no value
                             there) also one real node (bin/node) in the pool
        --kubeconfig-out FILE
                             where to write a kubeconfig for kubectl against the embedded
                             API server (default: kubectl.kubeconfig in the demo's work
                             folder; the demo prints the path at start)
        --front F            what balances the load: auto (default: haproxy when it is on
                             PATH, else builtin), haproxy (weights from the agents'
                             agent-check), haproxy-unweighted (no agent-check), builtin
        --operator WHERE     in-process (default): the demo runs the operator itself;
                             external: it does not, you run one (jar or image) against
                             the kubeconfig the demo writes and prints, with
                             PIPOOL_SERVER_SIDE_APPLY=false on the embedded API server
        --operator-kubeconfig FILE
                             with --operator external: where to write that kubeconfig
                             (default: operator.kubeconfig in the demo's work folder)
        --operator-wait SECONDS
                             how long to wait for the operator to make the agents ready
                             (default 60, 10-3600), and half of it, at least 30 s, for
                             the pool's deletion; the demo stops by itself either way
        --plain              print one status line per second instead of redrawing
        --help               this text

      Without --kubeconfig or --local-control-plane the API server is an embedded in-memory
      stand-in (Fabric8's mock server), not Kubernetes: fast, but with no scheduler, no
      controllers and no Service endpoints.
      """;

  /** Parses arguments; errors name the option and what is allowed. */
  public static DemoOptions parse(List<String> args, Map<String, String> env) {
    int nodes = 6;
    int duration = 90;
    double speed = 20;
    int peak = 3200;
    int target = 800;
    LoadProfile profile = null;
    int poll = 2;
    int window = 10;
    Path pool = Path.of("manifests/examples/web-pool.yaml");
    Path kubeconfig =
        env.containsKey("PIPOOL_DEMO_KUBECONFIG")
            ? Path.of(env.get("PIPOOL_DEMO_KUBECONFIG"))
            : null;
    Path agentJar = null;
    Path kubeconfigOut = null;
    boolean netns = false;
    String realNode = null;
    boolean plain = false;
    boolean help = false;
    Front front = Front.AUTO;
    Operator operator = Operator.IN_PROCESS;
    Path operatorKubeconfig = null;
    int operatorWait = 60;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
      java.util.function.Supplier<String> value =
          a.contains("=") ? () -> a.substring(a.indexOf('=') + 1) : nextOf(args, i, name);
      switch (name) {
        case "--help", "-h" -> help = true;
        case "--plain" -> plain = true;
        case "--netns" -> netns = true;
        case "--nodes" -> nodes = intIn(name, value.get(), 1, 300);
        case "--duration" -> duration = intIn(name, value.get(), 20, 3600);
        case "--speed" -> speed = doubleIn(name, value.get(), 0.1, 1000);
        case "--peak" -> peak = intIn(name, value.get(), 0, MAX_PEAK);
        case "--target" -> target = intIn(name, value.get(), 10, 100_000);
        case "--load" -> profile = LoadProfile.parse(value.get());
        case "--poll" -> poll = intIn(name, value.get(), 1, 60);
        case "--scale-down-window" -> window = intIn(name, value.get(), 0, 3600);
        case "--pool" -> pool = Path.of(value.get());
        case "--kubeconfig" -> kubeconfig = Path.of(value.get());
        case "--agent-jar" -> agentJar = Path.of(value.get());
        case "--kubeconfig-out" -> kubeconfigOut = Path.of(value.get());
        case "--front" -> front = front(value.get());
        case "--real-node" -> realNode = value.get();
        case "--operator" -> operator = operator(value.get());
        case "--operator-kubeconfig" -> operatorKubeconfig = Path.of(value.get());
        case "--operator-wait" -> operatorWait = intIn(name, value.get(), 10, 3600);
        default ->
            throw new IllegalArgumentException(
                "unknown option \"" + a + "\"; run bin/demo --help for the options");
      }
      if (!a.contains("=") && needsValue(name)) {
        i++;
      }
    }
    if (profile != null && profile.peak() > MAX_PEAK) {
      throw new IllegalArgumentException(
          "--load: peak " + profile.peak() + " is out of range; allowed is at most " + MAX_PEAK);
    }
    if (netns && kubeconfig == null) {
      throw new IllegalArgumentException(
          "--netns: needs --kubeconfig (a real cluster); bin/demo --local-control-plane starts"
              + " one");
    }
    if (realNode != null && kubeconfig == null) {
      throw new IllegalArgumentException(
          "--real-node: needs --kubeconfig (the cluster the node joined); bin/demo"
              + " --local-control-plane --real-node starts both");
    }
    if (operatorKubeconfig != null && (operator != Operator.EXTERNAL || kubeconfig != null)) {
      throw new IllegalArgumentException(
          "--operator-kubeconfig: needs --operator external and the embedded API server (with"
              + " --kubeconfig your operator uses that cluster's kubeconfig)");
    }
    return new DemoOptions(
        nodes,
        Duration.ofSeconds(duration),
        speed,
        peak,
        target,
        profile,
        poll,
        window,
        pool,
        kubeconfig,
        agentJar,
        kubeconfigOut,
        netns,
        realNode,
        plain,
        help,
        front,
        operator,
        operatorKubeconfig,
        Duration.ofSeconds(operatorWait));
  }

  private static Operator operator(String v) {
    for (Operator o : Operator.values()) {
      if (o.name().replace('_', '-').equalsIgnoreCase(v.trim())) {
        return o;
      }
    }
    throw new IllegalArgumentException(
        "--operator: \"" + v + "\" is not allowed; allowed are in-process, external");
  }

  private static Front front(String v) {
    for (Front f : Front.values()) {
      if (f.name().replace('_', '-').equalsIgnoreCase(v.trim())) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "--front: \""
            + v
            + "\" is not allowed; allowed are auto, haproxy, haproxy-unweighted,"
            + " builtin");
  }

  /** The load profile: explicit, or ramp to the peak, hold, and fall to a tenth. */
  public LoadProfile loadProfile() {
    if (profile != null) {
      return profile;
    }
    double d = duration.toMillis() / 1000.0;
    return LoadProfile.parse(
        String.format(
            java.util.Locale.ROOT,
            "0:0,%.1f:%d,%.1f:%d,%.1f:%d,%.1f:%d",
            0.28 * d,
            peak,
            0.52 * d,
            peak,
            0.62 * d,
            peak / 10,
            d,
            peak / 10));
  }

  /** When the story blows hot air (+30 °C) onto the busiest serving node. */
  public Duration heatAt() {
    return Duration.ofMillis((long) (duration.toMillis() * 0.30));
  }

  /** When the air around that node is back to room temperature. */
  public Duration coolAt() {
    return Duration.ofMillis((long) (duration.toMillis() * 0.52));
  }

  private static boolean needsValue(String name) {
    return !List.of("--help", "-h", "--plain", "--netns").contains(name);
  }

  private static java.util.function.Supplier<String> nextOf(List<String> args, int i, String name) {
    return () -> {
      if (i + 1 >= args.size()) {
        throw new IllegalArgumentException(name + ": needs a value");
      }
      return args.get(i + 1);
    };
  }

  private static int intIn(String name, String v, int min, int max) {
    try {
      int n = Integer.parseInt(v.trim());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        name
            + ": \""
            + v
            + "\" is not allowed; allowed are whole numbers from "
            + min
            + " to "
            + max);
  }

  private static double doubleIn(String name, String v, double min, double max) {
    try {
      double n = Double.parseDouble(v.trim());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        name + ": \"" + v + "\" is not allowed; allowed are numbers from " + min + " to " + max);
  }
}

package io.pipool.agent.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.pipool.agent.NodeAgent;
import io.pipool.agent.config.ConfigException;
import io.pipool.agent.config.ConfigLoader;
import io.pipool.agent.kube.ClusterDetector;
import io.pipool.agent.sysctl.ProcSys;
import io.pipool.agent.sysctl.StateFile;
import io.pipool.agent.sysctl.SysctlTool;
import io.pipool.api.agent.AgentConfig;
import io.pipool.api.agent.AgentVariables;
import io.pipool.api.sysctl.SysctlRules;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.logging.SLF4JLogDelegateFactory;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's command line: {@code serve}, {@code apply-sysctls}, {@code restore-sysctls}. Exit
 * codes: 0 ok, 1 failure, 2 bad usage or configuration.
 */
public final class Main {

  /** Success. */
  public static final int OK = 0;

  /** A step failed (for example a sysctl that does not hold). */
  public static final int FAILED = 1;

  /** Bad usage or configuration. */
  public static final int USAGE = 2;

  static final String HELP =
      """
      pi-pool node agent %s

      Usage: java -jar pi-pool-agent.jar <command> [--config agent.yaml]

      Commands:
        serve --config agent.yaml            serve traffic, watch temperature and sysctls, report
                                             (--config again: one more server in the same JVM,
                                             as the image build's AOT training runs Echo, Static
                                             and Proxy at once)
        apply-sysctls --config agent.yaml    validate, save originals (first time only), write,
                                             read back; exit 0 only when every value holds
        restore-sysctls [--config agent.yaml] write the saved originals back, remove the state file
        --help                               this text

      Every setting may also come from the environment: PIPOOL_<SECTION>_<FIELD>, e.g.
      PIPOOL_SERVER_PORT, PIPOOL_SERVER_MODE, PIPOOL_SYSCTLS_PROCROOT; node and pod identity from
      PIPOOL_NODE_NAME, PIPOOL_POD_NAME, PIPOOL_POD_NAMESPACE. PIPOOL_START_TIMEOUT_SECONDS (1 to
      3600, default 60): how long serve waits for each server to start.

      Exit codes: 0 ok, 1 failure, 2 bad usage or configuration.
      """;

  private Main() {}

  /** Entry point. */
  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.out, System.err));
  }

  /** Runs a command; returns the exit code ({@code serve} returns after shutdown). */
  public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    if (args.length == 0) {
      err.print(HELP.formatted(NodeAgent.version()));
      return USAGE;
    }
    String command = args[0];
    if (command.equals("--help") || command.equals("-h") || command.equals("help")) {
      out.print(HELP.formatted(NodeAgent.version()));
      return OK;
    }
    List<Path> configs;
    Path config;
    try {
      configs = configOptions(List.of(args).subList(1, args.length));
      config = configs.isEmpty() ? null : configs.get(0);
      if (configs.size() > 1 && !command.equals("serve")) {
        throw new IllegalArgumentException("only serve takes --config more than once");
      }
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.println("run with --help for usage");
      return USAGE;
    }
    try {
      return switch (command) {
        case "serve" -> {
          required(config, command);
          yield serve(configs, env, err);
        }
        case "apply-sysctls" ->
            sysctls(
                true, allowedSysctls(ConfigLoader.load(required(config, command), env)), out, err);
        case "restore-sysctls" -> sysctls(false, ConfigLoader.load(config, env), out, err);
        default -> {
          err.println(
              "unknown command \""
                  + command
                  + "\"; allowed are serve, apply-sysctls, restore-sysctls, --help");
          yield USAGE;
        }
      };
    } catch (ConfigException e) {
      err.println(e.getMessage());
      return USAGE;
    }
  }

  private static List<Path> configOptions(List<String> rest) {
    List<Path> configs = new ArrayList<>();
    for (int i = 0; i < rest.size(); i++) {
      String a = rest.get(i);
      if (a.equals("--config") && i + 1 < rest.size()) {
        configs.add(Path.of(rest.get(++i)));
      } else if (a.startsWith("--config=")) {
        configs.add(Path.of(a.substring("--config=".length())));
      } else {
        throw new IllegalArgumentException("unexpected argument \"" + a + "\"");
      }
    }
    return configs;
  }

  private static Path required(Path config, String command) {
    if (config == null) {
      throw new ConfigException(command + " needs --config agent.yaml");
    }
    return config;
  }

  /**
   * Refuses a configuration naming a sysctl outside the allowlist or a malformed value: {@code
   * serve} would only report it as unknown, {@code apply-sysctls} must not write any of it.
   */
  private static AgentConfig allowedSysctls(AgentConfig s) {
    List<String> refused = SysctlRules.checkAll(s.sysctls().values());
    if (!refused.isEmpty()) {
      throw new ConfigException(refused.stream().map(m -> "sysctls.values: " + m).toList());
    }
    return s;
  }

  private static int sysctls(boolean apply, AgentConfig s, PrintStream out, PrintStream err) {
    SysctlTool tool =
        new SysctlTool(new ProcSys(s.sysctls().procRoot()), new StateFile(s.sysctls().stateFile()));
    SysctlTool.Outcome result =
        apply ? tool.apply(s.sysctls().values(), listeningPorts(s.server())) : tool.restore();
    result.changed().forEach(out::println);
    result.failures().forEach(err::println);
    if (!result.ok()) {
      err.println(
          (apply ? "apply-sysctls" : "restore-sysctls")
              + " failed for "
              + result.failures().size()
              + " sysctl(s)");
      return FAILED;
    }
    return OK;
  }

  /**
   * How long one server may take to start, in seconds: 60 unless the environment says otherwise
   * (the image build's AOT training runs the arm64 JVM under emulation, minutes on a busy machine).
   */
  static final String START_TIMEOUT = "PIPOOL_START_TIMEOUT_SECONDS";

  static int startTimeoutSeconds(Map<String, String> env) {
    String value = env.getOrDefault(START_TIMEOUT, "60").trim();
    try {
      int seconds = Integer.parseInt(value);
      if (seconds >= 1 && seconds <= 3600) {
        return seconds;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ConfigException(
        START_TIMEOUT + " is \"" + value + "\"; allowed: whole seconds from 1 to 3600");
  }

  /** The ports the agent listens on (0, any free port, is nobody's to reserve). */
  static List<Integer> listeningPorts(AgentConfig.Server srv) {
    List<Integer> ports = new ArrayList<>();
    for (Integer p : new Integer[] {srv.port(), srv.adminPort(), srv.agentCheckPort()}) {
      if (p != null && p > 0) {
        ports.add(p);
      }
    }
    return ports;
  }

  /**
   * Serves one server per configuration in one JVM and one Vert.x; the first configuration gives
   * the logging and the Kubernetes watch. More than one is for the image build's AOT training.
   */
  private static int serve(List<Path> configs, Map<String, String> env, PrintStream err) {
    int startTimeout = startTimeoutSeconds(env);
    List<AgentConfig> settings = new ArrayList<>();
    for (Path config : configs) {
      settings.add(allowedSysctls(ConfigLoader.load(config, env)));
    }
    AgentConfig s = settings.get(0);
    LogSetup.configure(
        (ch.qos.logback.classic.LoggerContext) LoggerFactory.getILoggerFactory(),
        s.logging(),
        env.get(AgentVariables.NODE_NAME),
        env.get(AgentVariables.POD_NAME),
        System.err);
    // Vert.x picks java.util.logging when a JUL configuration is on the class path: say slf4j
    System.getProperties()
        .putIfAbsent(
            "vertx.logger-delegate-factory-class-name", SLF4JLogDelegateFactory.class.getName());
    Logger log = LoggerFactory.getLogger(Main.class);
    Vertx vertx =
        Vertx.vertx(
            new VertxOptions()
                .setPreferNativeTransport(true)
                .setEventLoopPoolSize(s.server().eventLoopCount())
                .setWorkerPoolSize(4)
                .setInternalBlockingPoolSize(2));
    KubernetesClient client = null;
    if (s.serving().watchPod()
        && ClusterDetector.configured(env, homeDir(env), ClusterDetector.SERVICE_ACCOUNT_TOKEN)) {
      // the pod watch retries on its own (PodLabelWatcher); a request that cannot connect should
      // fail within seconds so /readyz can say why, not after Fabric8's ten retries (~100 s)
      Config kube = Config.autoConfigure(null);
      kube.setRequestRetryBackoffLimit(2);
      client = new KubernetesClientBuilder().withConfig(kube).build();
    }
    List<NodeAgent> agents = new ArrayList<>();
    for (AgentConfig c : settings) {
      NodeAgent agent;
      try {
        agent =
            NodeAgent.start(vertx, c, agents.isEmpty() ? client : null, Clock.systemUTC())
                .toCompletionStage()
                .toCompletableFuture()
                .get(startTimeout, TimeUnit.SECONDS);
      } catch (Exception e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        err.println(
            "cannot start: "
                + (e instanceof TimeoutException
                    ? c.server().mode()
                        + " server not started within "
                        + startTimeout
                        + " s ("
                        + START_TIMEOUT
                        + ")"
                    : cause.getMessage()));
        agents.forEach(a -> stop(a, c, log));
        close(vertx, client);
        return FAILED;
      }
      agents.add(agent);
      log.info(
          "serving {} on {}:{}{}, admin on {}:{}, maxConnections {}, transport {}",
          c.server().mode(),
          c.server().host(),
          agent.trafficPort(),
          c.server().tls() ? " (TLS)" : "",
          c.server().adminHost(),
          agent.adminPort(),
          agent.state().gate().maxConnections(),
          vertx.isNativeTransportEnabled() ? "epoll" : "nio");
    }
    CountDownLatch stopped = new CountDownLatch(1);
    final KubernetesClient kube = client;
    Runnable shutdown =
        () -> {
          log.info("signal received: readiness false, draining");
          agents.forEach(a -> stop(a, s, log));
          close(vertx, kube);
          stopped.countDown();
        };
    for (String signal : new String[] {"TERM", "INT"}) {
      Signals.on(signal, () -> new Thread(shutdown, "pipool-shutdown").start());
    }
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.info("stopped");
    return OK;
  }

  private static void stop(NodeAgent agent, AgentConfig s, Logger log) {
    try {
      agent
          .stop()
          .toCompletionStage()
          .toCompletableFuture()
          .get(s.shutdownGraceSeconds() + 10L, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("shutdown did not complete cleanly: {}", e.toString());
    }
  }

  private static Path homeDir(Map<String, String> env) {
    String home = env.get("HOME");
    return home == null ? null : Path.of(home);
  }

  private static void close(Vertx vertx, KubernetesClient client) {
    List<Runnable> steps = new ArrayList<>();
    if (client != null) {
      steps.add(client::close);
    }
    steps.add(
        () -> {
          try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
          } catch (Exception e) {
            // exiting anyway
          }
        });
    steps.forEach(Runnable::run);
  }
}

package io.pipool.agent;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.pipool.agent.balancer.AgentCheckVerticle;
import io.pipool.agent.kube.PodLabelWatcher;
import io.pipool.agent.server.AdminVerticle;
import io.pipool.agent.server.ConnectionGate;
import io.pipool.agent.server.ConnectionGuard;
import io.pipool.agent.server.FdBudget;
import io.pipool.agent.server.TrafficVerticle;
import io.pipool.agent.status.AgentMetrics;
import io.pipool.agent.status.AgentState;
import io.pipool.agent.status.MonitorVerticle;
import io.pipool.api.agent.AgentConfig;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.api.v1alpha1.ServerSpec;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node agent, embeddable: the {@code serve} command runs one, the simulator runs hundreds in
 * one JVM on a shared {@link Vertx} (no thread per agent; each agent is a few verticles, timers and
 * counters).
 */
public final class NodeAgent {

  private static final Logger LOG = LoggerFactory.getLogger(NodeAgent.class);

  /** Descriptors kept free for the JVM, logs, sysctl and sensor reads and the API watch. */
  static final int FD_RESERVE = 64;

  /** Descriptors kept free on top of those open at start (jars loaded later, logs, reads). */
  static final int FD_HEADROOM = 32;

  /**
   * Descriptors the traffic port never gets besides the JVM's own: the rejected connections waiting
   * for their 503 and the admin port's connections, so the probes answer whatever clients do.
   */
  public static final int RESERVED_FOR_GUARDS =
      ConnectionGuard.REJECT_BACKLOG + AdminVerticle.MAX_CONNECTIONS;

  private final Vertx vertx;
  private final AgentConfig config;
  private final AgentState state;
  private final List<String> deployments = new ArrayList<>();
  private PodLabelWatcher watcher;
  private int trafficPort;
  private int adminPort;
  private int agentCheckPort = -1;
  private Future<Void> stopping;

  private NodeAgent(Vertx vertx, AgentConfig config, AgentState state) {
    this.vertx = vertx;
    this.config = config;
    this.state = state;
  }

  /** The agent version, from the jar manifest. */
  public static String version() {
    String v = NodeAgent.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /**
   * Starts an agent; the future completes once both ports listen and the first temperature and
   * sysctl reads are in.
   *
   * @param clientOrNull a client to watch the agent's own pod with; null to run from config only
   */
  public static Future<NodeAgent> start(
      Vertx vertx, AgentConfig config, KubernetesClient clientOrNull, Clock clock) {
    AgentConfig.Server srv = config.server();
    return vertx
        .executeBlocking(() -> preflight(config), false)
        .compose(
            budget -> {
              ConnectionGate gate =
                  new ConnectionGate(
                      budget.maxConnections(),
                      config.thermal().shedConnectionFraction(),
                      budget.descriptors());
              boolean watch =
                  clientOrNull != null
                      && config.serving().watchPod()
                      && !config.pod().isEmpty()
                      && !config.namespace().isEmpty();
              AgentState state =
                  new AgentState(
                      clock,
                      gate,
                      config.serving().initial() == AgentConfig.Serving.Initial.Serving,
                      watch
                          ? "waiting for label " + PiServerPool.SERVING_LABEL
                          : "serving.initial");
              NodeAgent agent = new NodeAgent(vertx, config, state);
              AgentMetrics metrics = new AgentMetrics(state, true);
              ConnectionGuard guard =
                  new ConnectionGuard(gate, srv.headerTimeoutSeconds(), () -> refusal(state));
              Future<Void> up =
                  agent
                      .deploy(new MonitorVerticle(config, state))
                      .compose(v -> agent.deployTraffic(srv, state, metrics, guard))
                      .compose(
                          v -> {
                            AdminVerticle admin =
                                new AdminVerticle(
                                    srv.adminHost(),
                                    srv.adminPort(),
                                    new AdminVerticle.Identity(
                                        config.node(), config.pod(), version()),
                                    state,
                                    metrics);
                            return agent
                                .deploy(admin)
                                .onSuccess(x -> agent.adminPort = admin.actualPort());
                          })
                      .compose(v -> agent.deployAgentCheck());
              return up.compose(
                      v -> {
                        // off the start's path and off the event loop (a scrape before it ends
                        // waits for it)
                        vertx.executeBlocking(
                            () -> {
                              metrics.registerJvm();
                              return null;
                            },
                            false);
                        if (watch) {
                          agent.watcher =
                              PodLabelWatcher.start(
                                  clientOrNull, config.namespace(), config.pod(), state);
                        }
                        return Future.succeededFuture(agent);
                      })
                  .recover(e -> agent.undeployAll().transform(x -> Future.failedFuture(e)));
            });
  }

  /** The connection cap, and the descriptors connections and open files share. */
  private record Budget(int maxConnections, int descriptors) {}

  /** Checks files and the open-file limit; returns the connection cap and descriptor budget. */
  private static Budget preflight(AgentConfig s) {
    AgentConfig.Server srv = s.server();
    if (srv.mode() == ServerSpec.Mode.Static && !Files.isDirectory(srv.staticDir())) {
      throw new IllegalStateException(
          "server.staticDir " + srv.staticDir() + " is not a folder (Static mode serves from it)");
    }
    if (srv.tls()) {
      for (var f : List.of(srv.tlsCertFile(), srv.tlsKeyFile())) {
        if (!Files.isReadable(f)) {
          throw new IllegalStateException("TLS file " + f + " cannot be read");
        }
      }
    }
    long open = FdBudget.openNow(Path.of("/proc/self/fd"));
    int reserve =
        (int) Math.max(FD_RESERVE, open + FD_HEADROOM)
            + RESERVED_FOR_GUARDS
            + (srv.mode() == ServerSpec.Mode.Proxy
                ? srv.eventLoopCount() * TrafficVerticle.PROXY_POOL_SIZE
                : 0);
    OptionalLong softLimit = FdBudget.readSoftLimit(s.limitsFile());
    FdBudget.Result r = FdBudget.cap(srv.maxConnections(), softLimit, reserve);
    if (r.warning() != null) {
      LOG.warn(r.warning());
    }
    return new Budget(r.maxConnections(), FdBudget.descriptors(softLimit, reserve));
  }

  private static String refusal(AgentState state) {
    AgentState.Snapshot s = state.snapshot();
    if (s.draining()) {
      return "503 Service Unavailable: shutting down\n";
    }
    return s.shedding()
        ? "503 Service Unavailable: too hot, shedding load\n"
        : "503 Service Unavailable: connection limit reached\n";
  }

  private Future<Void> deployTraffic(
      AgentConfig.Server srv, AgentState state, AgentMetrics metrics, ConnectionGuard guard) {
    // Port 0 asks for any free port. Vert.x shares a random port only among servers that listen on
    // the same negative port; servers on port 0 would each bind a port of their own.
    int port = srv.port() == 0 ? -1 : srv.port();
    TrafficVerticle first = new TrafficVerticle(srv, port, state, metrics, guard);
    return deploy(first)
        .compose(
            v -> {
              trafficPort = first.actualPort();
              // Further event loops share the first one's port (Vert.x balances accepts).
              List<Future<Void>> more = new ArrayList<>();
              for (int i = 1; i < srv.eventLoopCount(); i++) {
                more.add(deploy(new TrafficVerticle(srv, port, state, metrics, guard)));
              }
              return Future.all(more).mapEmpty();
            });
  }

  /** HAProxy's agent check, when the pool sets a port for it. */
  private Future<Void> deployAgentCheck() {
    if (!config.server().agentCheck()) {
      return Future.succeededFuture();
    }
    AgentCheckVerticle check = AgentCheckVerticle.forAgent(config, state);
    return deploy(check).onSuccess(x -> agentCheckPort = check.actualPort());
  }

  private Future<Void> deploy(io.vertx.core.Verticle verticle) {
    return vertx
        .deployVerticle(verticle)
        .onSuccess(
            id -> {
              synchronized (deployments) {
                deployments.add(id);
              }
            })
        .mapEmpty();
  }

  /**
   * Stops gracefully: readiness false and no new connections at once, in-flight requests get up to
   * shutdownGraceSeconds, then everything closes. Idempotent.
   */
  public synchronized Future<Void> stop() {
    if (stopping != null) {
      return stopping;
    }
    state.drain();
    if (watcher != null) {
      watcher.close();
    }
    Promise<Void> drained = Promise.promise();
    long deadline = System.nanoTime() + config.shutdownGraceSeconds() * 1_000_000_000L;
    waitForInFlight(drained, deadline);
    stopping = drained.future().compose(v -> undeployAll());
    return stopping;
  }

  private void waitForInFlight(Promise<Void> drained, long deadline) {
    if (state.inFlight() <= 0 || System.nanoTime() >= deadline) {
      if (state.inFlight() > 0) {
        LOG.warn("{} requests still in flight after the grace period; closing", state.inFlight());
      }
      drained.complete();
      return;
    }
    vertx.setTimer(50, id -> waitForInFlight(drained, deadline));
  }

  private Future<Void> undeployAll() {
    List<String> ids;
    synchronized (deployments) {
      ids = new ArrayList<>(deployments);
      deployments.clear();
    }
    List<Future<Void>> all = new ArrayList<>();
    for (String id : ids) {
      all.add(vertx.undeploy(id).recover(e -> Future.succeededFuture()));
    }
    return Future.all(all).mapEmpty();
  }

  /** The traffic port actually bound. */
  public int trafficPort() {
    return trafficPort;
  }

  /** The admin port actually bound. */
  public int adminPort() {
    return adminPort;
  }

  /** The agent-check port actually bound, -1 when agent checks are off. */
  public int agentCheckPort() {
    return agentCheckPort;
  }

  /** The agent's live state (read it; the agent changes it). */
  public AgentState state() {
    return state;
  }
}

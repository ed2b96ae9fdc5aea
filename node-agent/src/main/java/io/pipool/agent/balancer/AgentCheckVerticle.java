package io.pipool.agent.balancer;

import io.pipool.agent.server.ListenFailure;
import io.pipool.agent.status.AgentState;
import io.pipool.api.agent.AgentConfig;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HAProxy's agent-check protocol on its own port: every connection gets one line from {@code reply}
 * the moment it is accepted, without waiting for input, and is closed once the line is written.
 * Anything the client sends is read and dropped. There is no connection cap to share with other
 * clients: answering costs no more than refusing (one line of at most a few dozen bytes, which a
 * fresh connection's receive window always takes), so every connection is answered, churners
 * included, and none outlives {@link #WRITE_DEADLINE_MS}. The accept queue ({@link
 * #ACCEPT_BACKLOG}) is deep enough that a burst of churn does not drop HAProxy's SYN, and shallow
 * enough that a check does not queue long behind churners.
 */
public final class AgentCheckVerticle extends AbstractVerticle {

  /** How long one connection may stay open (a client that never reads, a write that stalls). */
  public static final long WRITE_DEADLINE_MS = 2000;

  /**
   * Connections the kernel may queue before the agent accepts them (capped by {@code
   * net.core.somaxconn}). 64 dropped checks' SYNs in a burst of churn (a dropped SYN is retried
   * only after a second); a far deeper queue makes a check wait behind every queued churner when
   * the node is busy.
   */
  public static final int ACCEPT_BACKLOG = 256;

  private static final Logger LOG = LoggerFactory.getLogger(AgentCheckVerticle.class);

  private final String host;
  private final int port;
  private final Supplier<AgentCheckReply> reply;
  private NetServer server;

  /**
   * @param reply computes the answer; called on the event loop, so it must only read memory
   */
  public AgentCheckVerticle(String host, int port, Supplier<AgentCheckReply> reply) {
    this.host = host;
    this.port = port;
    this.reply = reply;
  }

  /** The agent-check listener of an agent: its answers come from the agent's live state. */
  public static AgentCheckVerticle forAgent(AgentConfig config, AgentState state) {
    double drain = config.thermal().recoverCelsius();
    return new AgentCheckVerticle(
        config.server().host(),
        config.server().agentCheckPort(),
        () -> {
          AgentState.Snapshot s = state.snapshot();
          return AgentCheckReply.of(
              new AgentCheckReply.Inputs(
                  s.serving().mode(),
                  s.thermal().temperature().celsius(),
                  drain,
                  state.gate().active(),
                  state.gate().maxConnections()));
        });
  }

  @Override
  public void start(Promise<Void> started) {
    server =
        vertx
            .createNetServer(
                new NetServerOptions()
                    .setTcpNoDelay(true)
                    .setIdleTimeout(5)
                    .setAcceptBacklog(ACCEPT_BACKLOG))
            .connectHandler(this::answer);
    server
        .listen(port, host)
        .onSuccess(
            s -> {
              LOG.info("agent-check listening on {}:{}", host, s.actualPort());
              started.complete();
            })
        .onFailure(e -> started.fail(ListenFailure.of("HAProxy's agent check", host, port, e)));
  }

  /**
   * Answers at once. A cap here used to close connections unanswered while a burst of churners'
   * connections were still closing, and HAProxy's check among them got nothing.
   */
  private void answer(NetSocket socket) {
    long deadline = vertx.setTimer(WRITE_DEADLINE_MS, id -> socket.close());
    socket.handler(ignored -> {});
    socket.exceptionHandler(e -> socket.close());
    socket.closeHandler(v -> vertx.cancelTimer(deadline));
    socket.end(Buffer.buffer(reply.get().line().getBytes(StandardCharsets.US_ASCII)));
  }

  /** The port actually bound. */
  public int actualPort() {
    return server.actualPort();
  }
}

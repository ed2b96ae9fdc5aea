package io.pipool.agent.balancer;

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
 * and is closed. Anything the client sends is ignored. Hostile clients are bounded: at most {@link
 * #MAX_CONNECTIONS} at once (more are closed unanswered), and a connection still open after {@link
 * #WRITE_DEADLINE_MS} (a client that never reads) is closed by a timer.
 */
public final class AgentCheckVerticle extends AbstractVerticle {

  /** Concurrent agent-check connections; HAProxy needs one per check, so a handful at most. */
  public static final int MAX_CONNECTIONS = 32;

  /** How long one connection may stay open. */
  public static final long WRITE_DEADLINE_MS = 2000;

  private static final Logger LOG = LoggerFactory.getLogger(AgentCheckVerticle.class);

  private final String host;
  private final int port;
  private final Supplier<AgentCheckReply> reply;
  private NetServer server;
  private int open;

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
        () ->
            AgentCheckReply.of(
                new AgentCheckReply.Inputs(
                    state.serving().mode(),
                    state.temperature().celsius(),
                    drain,
                    state.gate().active(),
                    state.gate().maxConnections())));
  }

  @Override
  public void start(Promise<Void> started) {
    server =
        vertx
            .createNetServer(
                new NetServerOptions().setTcpNoDelay(true).setIdleTimeout(5).setAcceptBacklog(64))
            .connectHandler(this::answer);
    server
        .listen(port, host)
        .onSuccess(
            s -> {
              LOG.info("agent-check listening on {}:{}", host, s.actualPort());
              started.complete();
            })
        .onFailure(
            e ->
                started.fail(
                    new IllegalStateException(
                        "agent-check port " + host + ":" + port + ": " + e.getMessage(), e)));
  }

  private void answer(NetSocket socket) {
    if (open >= MAX_CONNECTIONS) {
      socket.close();
      return;
    }
    open++;
    long deadline = vertx.setTimer(WRITE_DEADLINE_MS, id -> socket.close());
    socket.handler(ignored -> {});
    socket.exceptionHandler(e -> socket.close());
    socket.closeHandler(
        v -> {
          open--;
          vertx.cancelTimer(deadline);
        });
    socket.end(Buffer.buffer(reply.get().line().getBytes(StandardCharsets.US_ASCII)));
  }

  /** The port actually bound. */
  public int actualPort() {
    return server.actualPort();
  }
}

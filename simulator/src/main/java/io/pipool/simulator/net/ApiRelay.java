package io.pipool.simulator.net;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import java.util.concurrent.TimeUnit;

/**
 * A plain TCP relay from the host end of the nodes' veth to the API server on the host's loopback,
 * so agents inside the network namespace can watch their pods. TLS passes through untouched: the
 * API server's certificate must name the relay's address ({@link NodeNetwork#GATEWAY}).
 */
public final class ApiRelay implements AutoCloseable {

  private final NetServer server;
  private final NetClient client;

  private ApiRelay(NetServer server, NetClient client) {
    this.server = server;
    this.client = client;
  }

  /** Listens on {@code bindHost} (a free port) and forwards to {@code targetHost:targetPort}. */
  public static ApiRelay start(Vertx vertx, String bindHost, String targetHost, int targetPort) {
    NetClient client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(5000));
    NetServer server =
        vertx
            .createNetServer(new NetServerOptions().setHost(bindHost).setPort(0))
            .connectHandler(
                in -> {
                  in.pause();
                  client
                      .connect(targetPort, targetHost)
                      .onSuccess(
                          out -> {
                            in.pipeTo(out);
                            out.pipeTo(in);
                            in.resume();
                          })
                      .onFailure(e -> in.close());
                });
    try {
      server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      client.close();
      throw new IllegalStateException(
          "the API relay cannot listen on " + bindHost + ": " + e.getMessage(), e);
    }
    return new ApiRelay(server, client);
  }

  /** The port the relay listens on. */
  public int port() {
    return server.actualPort();
  }

  @Override
  public void close() {
    server.close();
    client.close();
  }
}

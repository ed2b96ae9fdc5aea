package io.pipool.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pipool.agent.support.Admin;
import io.pipool.agent.support.Await;
import io.pipool.agent.support.RawHttp;
import io.pipool.agent.support.TestAgents;
import io.pipool.api.agent.AgentStatus.ServingMode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.junit5.VertxExtension;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class DrainTest {

  @TempDir Path dir;

  @Test
  void stopTurnsReadinessOffFirstAndLetsInFlightRequestsFinish(Vertx vertx) throws Exception {
    // An upstream that answers only when told to, so a request is in flight during the stop.
    CompletableFuture<Runnable> release = new CompletableFuture<>();
    HttpServer slow =
        Await.result(
            vertx
                .createHttpServer()
                .requestHandler(req -> release.complete(() -> req.response().end("late")))
                .listen(0, "127.0.0.1"));
    NodeAgent agent =
        Await.result(
            TestAgents.start(
                vertx,
                TestAgents.settings(
                    dir,
                    Map.of(
                        "PIPOOL_SERVER_MODE", "Proxy",
                        "PIPOOL_SERVER_UPSTREAM", "http://127.0.0.1:" + slow.actualPort(),
                        "PIPOOL_SHUTDOWNGRACESECONDS", "10"))));
    int admin = agent.adminPort();
    try (RawHttp client = new RawHttp(agent.trafficPort())) {
      client.get("/");
      Runnable answer = release.get();
      assertThat(agent.state().inFlight()).isEqualTo(1);

      Future<Void> stopped = agent.stop();

      assertThat(agent.state().serving().mode()).isEqualTo(ServingMode.Draining);
      assertThat(Admin.readyz(agent)).isEqualTo(503);
      assertThat(stopped.isComplete()).isFalse();
      try (RawHttp late = new RawHttp(agent.trafficPort())) {
        assertThat(late.get("/").read().status()).isEqualTo(503);
      }

      vertx.runOnContext(v -> answer.run());
      RawHttp.Response r = client.read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("late");
      assertThat(r.header("connection")).isEqualTo("close");
      Await.result(stopped);
    }
    await("admin port closed").atMost(Await.SETTLE).until(() -> refused(admin));
  }

  private static boolean refused(int port) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      return false;
    } catch (ConnectException e) {
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }
}

package io.pipool.agent.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipool.agent.NodeAgent;
import io.pipool.agent.support.Await;
import io.pipool.agent.support.RawHttp;
import io.pipool.agent.support.TestAgents;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class ProxyModeTest {

  @TempDir Path dir;
  private final AtomicInteger upstreamConnections = new AtomicInteger();

  /** An upstream that answers with what it received, as JSON. */
  private HttpServer upstream(Vertx vertx) {
    return Await.result(
        vertx
            .createHttpServer()
            .connectionHandler(c -> upstreamConnections.incrementAndGet())
            .requestHandler(
                req ->
                    req.body()
                        .onSuccess(
                            body -> {
                              JsonObject headers = new JsonObject();
                              req.headers()
                                  .forEach(
                                      e -> headers.put(e.getKey().toLowerCase(), e.getValue()));
                              req.response()
                                  .setStatusCode(req.path().endsWith("/created") ? 201 : 200)
                                  .putHeader("content-type", "application/json")
                                  .putHeader("x-upstream", "yes")
                                  .end(
                                      new JsonObject()
                                          .put("method", req.method().name())
                                          .put("uri", req.uri())
                                          .put("headers", headers)
                                          .put("body", body.toString())
                                          .encode());
                            }))
            .listen(0, "127.0.0.1"));
  }

  private NodeAgent proxyTo(Vertx vertx, String upstream, Map<String, String> extra) {
    Map<String, String> env = new java.util.HashMap<>(extra);
    env.put("PIPOOL_SERVER_MODE", "Proxy");
    env.put("PIPOOL_SERVER_UPSTREAM", upstream);
    return Await.result(TestAgents.start(vertx, TestAgents.settings(dir, env)));
  }

  @Test
  void forwardsHostAndSetsItsOwnXForwardedHeaders(Vertx vertx) throws Exception {
    HttpServer up = upstream(vertx);
    NodeAgent agent = proxyTo(vertx, "http://127.0.0.1:" + up.actualPort() + "/base/", Map.of());
    try (RawHttp http = new RawHttp(agent.trafficPort())) {
      RawHttp.Response r =
          http.send(
                  "POST /created?q=1 HTTP/1.1\r\n"
                      + "Host: shop.example:8080\r\n"
                      + "X-Forwarded-For: 10.1.1.1\r\n"
                      + "Connection: keep-alive, X-Hop\r\n"
                      + "X-Hop: secret\r\n"
                      + "Content-Length: 5\r\n\r\nhello")
              .read();
      assertThat(r.status()).isEqualTo(201);
      assertThat(r.header("x-upstream")).isEqualTo("yes");
      JsonObject seen = new JsonObject(r.body());
      JsonObject h = seen.getJsonObject("headers");
      assertThat(seen.getString("method")).isEqualTo("POST");
      assertThat(seen.getString("uri")).isEqualTo("/base/created?q=1");
      assertThat(seen.getString("body")).isEqualTo("hello");
      assertThat(h.getString("host")).isEqualTo("shop.example:8080");
      // The agent is the edge: the client's own X-Forwarded-For is replaced, not appended to.
      assertThat(h.getString("x-forwarded-for")).isEqualTo("127.0.0.1");
      assertThat(h.getString("x-real-ip")).isEqualTo("127.0.0.1");
      assertThat(h.getString("x-forwarded-proto")).isEqualTo("http");
      assertThat(h.getString("x-forwarded-host")).isEqualTo("shop.example:8080");
      assertThat(h.containsKey("x-hop")).isFalse();
    }
  }

  @Test
  void reusesUpstreamConnections(Vertx vertx) throws Exception {
    HttpServer up = upstream(vertx);
    NodeAgent agent = proxyTo(vertx, "http://127.0.0.1:" + up.actualPort(), Map.of());
    try (RawHttp http = new RawHttp(agent.trafficPort())) {
      for (int i = 0; i < 5; i++) {
        assertThat(http.get("/item/" + i).read().status()).isEqualTo(200);
      }
    }
    assertThat(upstreamConnections.get()).isEqualTo(1);
  }

  @Test
  void anUnreachableUpstreamIs502(Vertx vertx) throws Exception {
    HttpServer up = upstream(vertx);
    int port = up.actualPort();
    Await.result(up.close());
    NodeAgent agent = proxyTo(vertx, "http://127.0.0.1:" + port, Map.of());
    try (RawHttp http = new RawHttp(agent.trafficPort())) {
      assertThat(http.get("/").read().status()).isEqualTo(502);
      // The agent stays up and keeps the client connection.
      assertThat(http.get("/").read().status()).isEqualTo(502);
    }
  }

  @Test
  void aSilentUpstreamIs504(Vertx vertx) throws Exception {
    HttpServer silent =
        Await.result(vertx.createHttpServer().requestHandler(req -> {}).listen(0, "127.0.0.1"));
    NodeAgent agent =
        proxyTo(
            vertx,
            "http://127.0.0.1:" + silent.actualPort(),
            Map.of("PIPOOL_SERVER_IDLETIMEOUTSECONDS", "2"));
    try (RawHttp http = new RawHttp(agent.trafficPort())) {
      assertThat(http.get("/").read().status()).isEqualTo(504);
    }
  }
}

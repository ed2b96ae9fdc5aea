package io.pipool.agent.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipool.agent.NodeAgent;
import io.pipool.agent.support.TestAgents;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class EchoModeTest {

  @TempDir Path dir;

  private record Reply(HttpClientResponse response, Buffer body) {}

  private static Future<Reply> call(HttpClient client, RequestOptions options) {
    return client
        .request(options)
        .compose(req -> req.send())
        .compose(resp -> resp.body().map(b -> new Reply(resp, b)));
  }

  private static RequestOptions get(NodeAgent agent) {
    return new RequestOptions().setHost("127.0.0.1").setPort(agent.trafficPort()).setURI("/");
  }

  @Test
  void servesTheFixedBodyOverOneKeepAliveConnection(Vertx vertx, VertxTestContext ctx) {
    HttpClient client =
        vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setMaxPoolSize(1));
    TestAgents.start(vertx, TestAgents.settings(dir, Map.of("PIPOOL_SERVER_ECHOBODYBYTES", "2048")))
        .compose(
            agent ->
                call(client, get(agent))
                    .compose(first -> call(client, get(agent)))
                    .compose(second -> call(client, get(agent)))
                    .onComplete(
                        ctx.succeeding(
                            last ->
                                ctx.verify(
                                    () -> {
                                      assertThat(last.response().statusCode()).isEqualTo(200);
                                      assertThat(last.body().length()).isEqualTo(2048);
                                      assertThat(last.response().getHeader("content-type"))
                                          .isEqualTo("text/plain");
                                      assertThat(agent.state().requestsTotal()).isEqualTo(3);
                                      assertThat(agent.state().gate().total()).isEqualTo(1);
                                      ctx.completeNow();
                                    }))));
  }

  @Test
  void portZeroWithSeveralEventLoopsServesOnOneFreePort(Vertx vertx, VertxTestContext ctx) {
    HttpClient client =
        vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false).setMaxPoolSize(4));
    TestAgents.start(vertx, TestAgents.settings(dir, Map.of("PIPOOL_SERVER_EVENTLOOPS", "3")))
        .compose(
            agent ->
                Future.all(
                        call(client, get(agent)),
                        call(client, get(agent)),
                        call(client, get(agent)),
                        call(client, get(agent)))
                    .map(all -> agent))
        .onComplete(
            ctx.succeeding(
                agent ->
                    ctx.verify(
                        () -> {
                          assertThat(agent.trafficPort()).isPositive();
                          assertThat(agent.state().requestsTotal()).isEqualTo(4);
                          ctx.completeNow();
                        })));
  }

  @Test
  void headAnswersTheLengthWithoutABody(Vertx vertx, VertxTestContext ctx) {
    HttpClient client = vertx.createHttpClient();
    TestAgents.start(vertx, TestAgents.settings(dir, Map.of()))
        .compose(agent -> call(client, get(agent).setMethod(HttpMethod.HEAD)))
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.response().statusCode()).isEqualTo(200);
                          assertThat(r.response().getHeader("content-length")).isEqualTo("1024");
                          assertThat(r.body().length()).isZero();
                          ctx.completeNow();
                        })));
  }

  @Test
  void gzipsWhenTheClientAcceptsIt(Vertx vertx, VertxTestContext ctx) {
    HttpClient client =
        vertx.createHttpClient(new HttpClientOptions().setDecompressionSupported(false));
    TestAgents.start(vertx, TestAgents.settings(dir, Map.of()))
        .compose(agent -> call(client, get(agent).putHeader("Accept-Encoding", "gzip")))
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.response().getHeader("content-encoding")).isEqualTo("gzip");
                          assertThat(r.body().length()).isLessThan(1024);
                          byte[] plain =
                              new GZIPInputStream(new ByteArrayInputStream(r.body().getBytes()))
                                  .readAllBytes();
                          assertThat(plain).hasSize(1024);
                          ctx.completeNow();
                        })));
  }

  @Test
  void doesNotGzipWhenCompressionIsOff(Vertx vertx, VertxTestContext ctx) {
    HttpClient client =
        vertx.createHttpClient(new HttpClientOptions().setDecompressionSupported(false));
    TestAgents.start(vertx, TestAgents.settings(dir, Map.of("PIPOOL_SERVER_COMPRESSION", "false")))
        .compose(agent -> call(client, get(agent).putHeader("Accept-Encoding", "gzip")))
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.response().getHeader("content-encoding")).isNull();
                          assertThat(r.body().length()).isEqualTo(1024);
                          ctx.completeNow();
                        })));
  }
}

package io.pipool.agent.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipool.agent.NodeAgent;
import io.pipool.agent.support.TestAgents;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class Http2Test {

  @TempDir Path dir;

  private static Future<HttpClientResponse> get(HttpClient client, NodeAgent agent) {
    return client
        .request(new RequestOptions().setHost("localhost").setPort(agent.trafficPort()).setURI("/"))
        .compose(req -> req.send())
        .compose(resp -> resp.body().map(b -> resp));
  }

  @Test
  void h2cWithPriorKnowledge(Vertx vertx, VertxTestContext ctx) {
    HttpClient client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false));
    TestAgents.start(vertx, TestAgents.settings(dir, Map.of()))
        .compose(agent -> get(client, agent))
        .onComplete(
            ctx.succeeding(
                resp ->
                    ctx.verify(
                        () -> {
                          assertThat(resp.version()).isEqualTo(HttpVersion.HTTP_2);
                          assertThat(resp.statusCode()).isEqualTo(200);
                          ctx.completeNow();
                        })));
  }

  @Test
  void h2cUpgradeCountsOneConnection(Vertx vertx, VertxTestContext ctx) {
    HttpClient client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(true));
    TestAgents.start(vertx, TestAgents.settings(dir, Map.of()))
        .compose(agent -> get(client, agent).compose(r -> get(client, agent)).map(r -> agent))
        .onComplete(
            ctx.succeeding(
                agent ->
                    ctx.verify(
                        () -> {
                          assertThat(agent.state().gate().total()).isEqualTo(1);
                          assertThat(agent.state().gate().active()).isEqualTo(1);
                          assertThat(agent.state().requestsTotal()).isEqualTo(2);
                          ctx.completeNow();
                        })));
  }

  @Test
  void h2OverTlsViaAlpn(Vertx vertx, VertxTestContext ctx) {
    SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
    HttpClient client = tlsClient(vertx);
    TestAgents.start(
            vertx,
            TestAgents.settings(
                dir,
                Map.of(
                    "PIPOOL_SERVER_TLSCERTFILE", cert.certificatePath(),
                    "PIPOOL_SERVER_TLSKEYFILE", cert.privateKeyPath())))
        .compose(agent -> get(client, agent))
        .onComplete(
            ctx.succeeding(
                resp ->
                    ctx.verify(
                        () -> {
                          assertThat(resp.version()).isEqualTo(HttpVersion.HTTP_2);
                          assertThat(resp.request().connection().isSsl()).isTrue();
                          ctx.completeNow();
                        })));
  }

  @Test
  void tlsWithHttp2OffNegotiatesHttp11(Vertx vertx, VertxTestContext ctx) {
    SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
    HttpClient client = tlsClient(vertx);
    TestAgents.start(
            vertx,
            TestAgents.settings(
                dir,
                Map.of(
                    "PIPOOL_SERVER_HTTP2", "false",
                    "PIPOOL_SERVER_TLSCERTFILE", cert.certificatePath(),
                    "PIPOOL_SERVER_TLSKEYFILE", cert.privateKeyPath())))
        .compose(agent -> get(client, agent))
        .onComplete(
            ctx.succeeding(
                resp ->
                    ctx.verify(
                        () -> {
                          assertThat(resp.version()).isEqualTo(HttpVersion.HTTP_1_1);
                          ctx.completeNow();
                        })));
  }

  /** A client that offers h2 via ALPN and trusts the test's self-signed certificate. */
  private static HttpClient tlsClient(Vertx vertx) {
    return vertx.createHttpClient(
        new HttpClientOptions()
            .setSsl(true)
            .setUseAlpn(true)
            .setTrustAll(true)
            .setVerifyHost(false)
            .setProtocolVersion(HttpVersion.HTTP_2));
  }
}

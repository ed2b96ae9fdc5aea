package io.pipool.simulator.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The mock API server behind the kubectl front: requests passed through, and plain JSON reads. */
final class MockUpstream implements AutoCloseable {

  private static final List<String> HOP_BY_HOP =
      List.of("host", "connection", "content-length", "transfer-encoding", "keep-alive");

  private final HttpClient http;

  MockUpstream(Vertx vertx, String url) {
    URI mock = URI.create(url);
    this.http =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setDefaultHost(mock.getHost())
                .setDefaultPort(mock.getPort())
                .setMaxPoolSize(16));
  }

  /** A GET with the client library's view (plain JSON, no Table). */
  Future<Fetched> get(String uri) {
    return http.request(HttpMethod.GET, uri)
        .compose(r -> r.putHeader("Accept", Replies.JSON_TYPE).send())
        .compose(r -> r.body().map(b -> new Fetched(r.statusCode(), b)));
  }

  /** Passes {@code req} through unchanged and relays the answer. */
  void pass(HttpServerRequest req) {
    req.body()
        .compose(
            body ->
                http.request(req.method(), req.uri())
                    .compose(
                        out -> {
                          copyHeaders(req.headers(), out.headers());
                          return out.send(body);
                        }))
        .compose(
            (HttpClientResponse in) ->
                in.body()
                    .map(
                        b -> {
                          HttpServerResponse resp = req.response().setStatusCode(in.statusCode());
                          copyHeaders(in.headers(), resp.headers());
                          resp.end(b);
                          return b;
                        }))
        .onFailure(
            e -> Replies.status(req, 502, "InternalError", "mock API server: " + e.getMessage()));
  }

  private static void copyHeaders(MultiMap from, MultiMap to) {
    from.forEach(
        h -> {
          if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(Locale.ROOT))) {
            to.add(h.getKey(), h.getValue());
          }
        });
  }

  @Override
  public void close() {
    http.close();
  }

  /** One answer of the mock. */
  record Fetched(int code, Buffer body) {

    JsonNode json() {
      try {
        return Serialization.jsonMapper().readTree(body.getBytes());
      } catch (IOException e) {
        throw new IllegalStateException("the mock API server answered no JSON: " + e, e);
      }
    }

    /** The items of a list answer; none when the mock refused. */
    List<JsonNode> items() {
      List<JsonNode> out = new ArrayList<>();
      if (code == 200) {
        json().path("items").forEach(out::add);
      }
      return out;
    }
  }
}

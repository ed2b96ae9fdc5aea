package io.pipool.simulator.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pipool.simulator.cluster.EmbeddedApiServer;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The embedded API server as kubectl needs it. Fabric8's mock answers the client library well but
 * not kubectl: it has no discovery documents, no server-side printing (Tables with the CRD's
 * printer columns), no core/v1 view of events.k8s.io Events, and watches only over WebSockets while
 * kubectl watches over a streamed HTTP response. This loopback front answers those requests and
 * passes every other one through to the mock unchanged.
 */
public final class KubectlGateway implements AutoCloseable {

  private static final ObjectMapper JSON = Serialization.jsonMapper();
  private static final String JSON_TYPE = "application/json";
  private static final List<String> HOP_BY_HOP =
      List.of("host", "connection", "content-length", "transfer-encoding", "keep-alive");

  private final Vertx vertx;
  private final KubernetesClient watchClient;
  private final Discovery discovery;
  private final Map<String, TableView> tables;
  private final HttpClient upstream;
  private HttpServer server;

  private KubectlGateway(Vertx vertx, EmbeddedApiServer api, Clock clock) {
    this.vertx = vertx;
    this.watchClient = api.newClient("kubectl-gateway");
    var crd = EmbeddedApiServer.crd();
    this.discovery = Discovery.of(List.of(crd));
    String version = crd.getSpec().getVersions().get(0).getName();
    this.tables =
        Map.of(
            crd.getSpec().getGroup() + "/" + version + "/" + crd.getSpec().getNames().getPlural(),
            TableView.of(crd, version, clock));
    URI mock = URI.create(api.url());
    this.upstream =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setDefaultHost(mock.getHost())
                .setDefaultPort(mock.getPort())
                .setMaxPoolSize(16));
  }

  /** Starts the front on a free loopback port in front of {@code api}. */
  public static KubectlGateway start(Vertx vertx, EmbeddedApiServer api, Clock clock) {
    KubectlGateway g = new KubectlGateway(vertx, api, clock);
    try {
      g.server =
          vertx
              .createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
              .requestHandler(g::handle)
              .listen()
              .toCompletionStage()
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      g.close();
      throw new IllegalStateException("the kubectl front did not start: " + e, e);
    }
    return g;
  }

  /** The URL kubectl talks to. */
  public String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** Writes a kubeconfig for kubectl pointing at this front. */
  public Path writeKubeconfig(Path file) {
    return EmbeddedApiServer.writeKubeconfig(url(), file);
  }

  private void handle(HttpServerRequest req) {
    String path = req.path();
    boolean get = req.method() == HttpMethod.GET;
    if (get && path.equals("/api")) {
      json(req, 200, discovery.apiVersions("127.0.0.1:" + server.actualPort()));
      return;
    }
    if (get && path.equals("/apis")) {
      json(req, 200, discovery.apiGroupList());
      return;
    }
    if (get && (path.matches("/api/[^/]+/?") || path.matches("/apis/[^/]+/[^/]+/?"))) {
      String gv = path.replaceAll("^/apis?/", "").replaceAll("/$", "");
      Optional<?> list = discovery.resourceList(gv);
      if (list.isPresent()) {
        json(req, 200, list.get());
      } else {
        status(req, 404, "NotFound", "the server could not find the requested resource");
      }
      return;
    }
    Optional<ApiPath> api = ApiPath.parse(path);
    boolean watch = "true".equals(req.getParam("watch")) || "1".equals(req.getParam("watch"));
    if (get && api.isPresent() && watch) {
      watch(req, api.get());
    } else if (get && api.isPresent() && isCoreEvents(api.get())) {
      coreEvents(req, api.get());
    } else if (get && api.isPresent() && table(req, api.get()) != null) {
      getTable(req, api.get());
    } else {
      proxy(req);
    }
  }

  private static boolean isCoreEvents(ApiPath p) {
    return p.groupVersion().equals("v1") && p.plural().equals("events") && p.name() == null;
  }

  /** The table view when the request asks for a Table of a resource that has one. */
  private TableView table(HttpServerRequest req, ApiPath p) {
    String accept = req.getHeader("Accept");
    if (accept == null || !accept.contains("as=Table") || p.subresource() != null) {
      return null;
    }
    return tables.get(p.groupVersion() + "/" + p.plural());
  }

  private void getTable(HttpServerRequest req, ApiPath p) {
    TableView view = table(req, p);
    FieldSelector selector = FieldSelector.parse(req.getParam("fieldSelector"));
    fetch(req.uri())
        .onFailure(e -> status(req, 502, "InternalError", e.getMessage()))
        .onSuccess(
            r -> {
              if (r.code() != 200) {
                raw(req, r.code(), r.body());
                return;
              }
              JsonNode body = r.json();
              List<JsonNode> objects = new ArrayList<>();
              if (p.name() == null) {
                body.path("items").forEach(objects::add);
              } else {
                objects.add(body);
              }
              String rv = body.path("metadata").path("resourceVersion").asText(null);
              json(
                  req,
                  200,
                  view.table(
                      objects.stream().filter(selector::matches).toList(),
                      rv,
                      req.getParam("includeObject")));
            });
  }

  private void coreEvents(HttpServerRequest req, ApiPath p) {
    String ns = p.namespace() == null ? "" : "/namespaces/" + p.namespace();
    Future<Fetched> core = fetch("/api/v1" + ns + "/events");
    Future<Fetched> v1 = fetch("/apis/events.k8s.io/v1" + ns + "/events");
    Future.all(core, v1)
        .onFailure(e -> status(req, 502, "InternalError", e.getMessage()))
        .onSuccess(
            x -> {
              try {
                json(
                    req,
                    200,
                    CoreEvents.list(
                        items(core.result()), items(v1.result()), req.getParam("fieldSelector")));
              } catch (IllegalArgumentException e) {
                status(req, 400, "BadRequest", e.getMessage());
              }
            });
  }

  private static List<JsonNode> items(Fetched f) {
    List<JsonNode> out = new ArrayList<>();
    if (f.code() == 200) {
      f.json().path("items").forEach(out::add);
    }
    return out;
  }

  private void watch(HttpServerRequest req, ApiPath p) {
    Optional<Discovery.Resource> resource = discovery.find(p.groupVersion(), p.plural());
    if (resource.isEmpty()) {
      status(req, 404, "NotFound", "no watchable resource at " + req.path());
      return;
    }
    WatchStream.open(req, resource.get(), p, watchClient, table(req, p), vertx);
  }

  /** A GET to the mock with the client's view (plain JSON). */
  private Future<Fetched> fetch(String uri) {
    return upstream
        .request(HttpMethod.GET, uri)
        .compose(r -> r.putHeader("Accept", JSON_TYPE).send())
        .compose(r -> r.body().map(b -> new Fetched(r.statusCode(), b)));
  }

  private void proxy(HttpServerRequest req) {
    req.body()
        .compose(
            body ->
                upstream
                    .request(req.method(), req.uri())
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
        .onFailure(e -> status(req, 502, "InternalError", "mock API server: " + e.getMessage()));
  }

  private static void copyHeaders(MultiMap from, MultiMap to) {
    from.forEach(
        h -> {
          if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(java.util.Locale.ROOT))) {
            to.add(h.getKey(), h.getValue());
          }
        });
  }

  private static void json(HttpServerRequest req, int code, Object body) {
    try {
      raw(req, code, Buffer.buffer(JSON.writeValueAsBytes(body)));
    } catch (IOException e) {
      status(req, 500, "InternalError", e.getMessage());
    }
  }

  private static void raw(HttpServerRequest req, int code, Buffer body) {
    if (!req.response().ended()) {
      req.response().setStatusCode(code).putHeader("Content-Type", JSON_TYPE).end(body);
    }
  }

  static void status(HttpServerRequest req, int code, String reason, String message) {
    json(
        req,
        code,
        Map.of(
            "kind",
            "Status",
            "apiVersion",
            "v1",
            "status",
            "Failure",
            "reason",
            reason,
            "code",
            code,
            "message",
            String.valueOf(message)));
  }

  private record Fetched(int code, Buffer body) {
    JsonNode json() {
      try {
        return JSON.readTree(body.getBytes());
      } catch (IOException e) {
        throw new IllegalStateException("the mock API server answered no JSON: " + e, e);
      }
    }
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
    upstream.close();
    watchClient.close();
  }
}

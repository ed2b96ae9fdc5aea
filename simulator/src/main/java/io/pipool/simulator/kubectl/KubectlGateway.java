package io.pipool.simulator.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pipool.simulator.cluster.EmbeddedApiServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
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

  private final Vertx vertx;
  private final KubernetesClient watchClient;
  private final Discovery discovery;
  private final Map<String, TableView> tables;
  private final MockUpstream upstream;
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
    this.upstream = new MockUpstream(vertx, api.url());
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
      Replies.json(req, 200, discovery.apiVersions("127.0.0.1:" + server.actualPort()));
      return;
    }
    if (get && path.equals("/apis")) {
      Replies.json(req, 200, discovery.apiGroupList());
      return;
    }
    if (get && (path.matches("/api/[^/]+/?") || path.matches("/apis/[^/]+/[^/]+/?"))) {
      String gv = path.replaceAll("^/apis?/", "").replaceAll("/$", "");
      Optional<?> list = discovery.resourceList(gv);
      if (list.isPresent()) {
        Replies.json(req, 200, list.get());
      } else {
        Replies.status(req, 404, "NotFound", "the server could not find the requested resource");
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
      upstream.pass(req);
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
    upstream
        .get(req.uri())
        .onFailure(e -> Replies.status(req, 502, "InternalError", e.getMessage()))
        .onSuccess(
            r -> {
              if (r.code() != 200) {
                Replies.raw(req, r.code(), r.body());
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
              Replies.json(
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
    Future<MockUpstream.Fetched> core = upstream.get("/api/v1" + ns + "/events");
    Future<MockUpstream.Fetched> v1 = upstream.get("/apis/events.k8s.io/v1" + ns + "/events");
    Future.all(core, v1)
        .onFailure(e -> Replies.status(req, 502, "InternalError", e.getMessage()))
        .onSuccess(
            x -> {
              try {
                Replies.json(
                    req,
                    200,
                    CoreEvents.list(
                        core.result().items(), v1.result().items(), req.getParam("fieldSelector")));
              } catch (IllegalArgumentException e) {
                Replies.status(req, 400, "BadRequest", e.getMessage());
              }
            });
  }

  private void watch(HttpServerRequest req, ApiPath p) {
    Optional<Discovery.Resource> resource = discovery.find(p.groupVersion(), p.plural());
    if (resource.isEmpty()) {
      Replies.status(req, 404, "NotFound", "no watchable resource at " + req.path());
      return;
    }
    WatchStream.open(req, resource.get(), p, watchClient, table(req, p), vertx);
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

package io.pipool.simulator.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;

/**
 * One kubectl watch, served the way the API server does: a streamed HTTP response with one JSON
 * watch event per line. The events come from a client watch on the mock (which watches over
 * WebSockets only); with a Table request each event's object is a one-row Table.
 */
final class WatchStream implements Watcher<GenericKubernetesResource> {

  private static final ObjectMapper JSON = Serialization.jsonMapper();

  private final HttpServerResponse response;
  private final Context context;
  private final FieldSelector selector;
  private final TableView table;
  private final String includeObject;
  private final long sinceVersion;
  private volatile Watch watch;

  private WatchStream(HttpServerRequest req, ApiPath path, TableView table, Vertx vertx) {
    this.response = req.response();
    this.context = vertx.getOrCreateContext();
    String fields = req.getParam("fieldSelector");
    if (path.name() != null) {
      // the old watch-by-path form, /…/pods/NAME?watch=true
      fields =
          (fields == null || fields.isBlank() ? "" : fields + ",") + "metadata.name=" + path.name();
    }
    this.selector = FieldSelector.parse(fields);
    this.table = table;
    this.includeObject = req.getParam("includeObject");
    this.sinceVersion = parseVersion(req.getParam("resourceVersion"));
  }

  /** Starts streaming the watch {@code req} asks for; ends when either side closes. */
  static void open(
      HttpServerRequest req,
      Discovery.Resource resource,
      ApiPath path,
      KubernetesClient client,
      TableView table,
      Vertx vertx) {
    WatchStream stream;
    try {
      stream = new WatchStream(req, path, table, vertx);
    } catch (IllegalArgumentException e) {
      Replies.status(req, 400, "BadRequest", e.getMessage());
      return;
    }
    ResourceDefinitionContext rdc =
        new ResourceDefinitionContext.Builder()
            .withGroup(resource.group())
            .withVersion(resource.version())
            .withPlural(resource.plural())
            .withKind(resource.kind())
            .withNamespaced(resource.namespaced())
            .build();
    var all = client.genericKubernetesResources(rdc);
    FilterWatchListDeletable<
            GenericKubernetesResource,
            GenericKubernetesResourceList,
            Resource<GenericKubernetesResource>>
        op =
            !resource.namespaced()
                ? all
                : path.namespace() == null
                    ? all.inAnyNamespace()
                    : all.inNamespace(path.namespace());
    String labels = req.getParam("labelSelector");
    if (labels != null && !labels.isBlank()) {
      op = op.withLabelSelector(labels);
    }
    HttpServerResponse resp = req.response();
    resp.setChunked(true).setStatusCode(200).putHeader("Content-Type", "application/json");
    resp.writeHead();
    try {
      stream.watch = op.watch(stream);
    } catch (RuntimeException e) {
      resp.end();
      return;
    }
    resp.closeHandler(v -> stream.watch.close());
  }

  @Override
  public void eventReceived(Action action, GenericKubernetesResource resource) {
    JsonNode object = JSON.valueToTree(resource);
    if (!selector.matches(object)) {
      return;
    }
    // the mock replays the current objects as ADDED when a watch starts; a watch from a
    // resourceVersion (kubectl's, after its list) must only see what changed since
    long version = parseVersion(object.path("metadata").path("resourceVersion").asText(null));
    if (action == Action.ADDED && sinceVersion > 0 && version > 0 && version <= sinceVersion) {
      return;
    }
    ObjectNode event = JSON.createObjectNode();
    event.put("type", action.name());
    event.set(
        "object",
        table == null
            ? object
            : table.table(
                List.of(object),
                object.path("metadata").path("resourceVersion").asText(null),
                includeObject));
    Buffer line = Buffer.buffer(event.toString()).appendString("\n");
    context.runOnContext(
        v -> {
          if (!response.ended() && !response.closed()) {
            response.write(line);
          }
        });
  }

  @Override
  public void onClose(WatcherException cause) {
    context.runOnContext(
        v -> {
          if (!response.ended() && !response.closed()) {
            response.end();
          }
        });
  }

  private static long parseVersion(String v) {
    try {
      return v == null || v.isBlank() ? 0 : Long.parseLong(v);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}

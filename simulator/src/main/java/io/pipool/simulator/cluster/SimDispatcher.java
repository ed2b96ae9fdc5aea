package io.pipool.simulator.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.pipool.api.v1alpha1.PiServerPoolStatus;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The mock server's CRUD dispatcher with three additions. Every write is counted. A patch that does
 * not apply is answered 422, as a real API server does (the mock leaves the request hanging). And a
 * PiServerPool created without a status gets the empty status its Java type starts with ({@code
 * nodes: [], recommendations: [], conditions: []}): the operator, run without server-side apply
 * against this stand-in (which does not implement it), writes status as a JSON patch computed
 * against that empty status, and such a patch cannot add below a missing /status.
 */
final class SimDispatcher extends KubernetesCrudDispatcher {

  private static final String POOLS = "/apis/pipool.io/v1alpha1/namespaces/";
  private static final String EMPTY_STATUS =
      Serialization.asJson(Map.of("status", new PiServerPoolStatus()));

  private static final String MERGE = "application/merge-patch+json";
  private static final ObjectMapper JSON = Serialization.jsonMapper();

  private final ApiRequestCounter counter;

  SimDispatcher(ApiRequestCounter counter) {
    super(List.of());
    this.counter = counter;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    counter.record(request.getMethod(), request.getPath(), request.getHeader("User-Agent"));
    if ("GET".equalsIgnoreCase(request.getMethod())) {
      return super.dispatch(request);
    }
    // writes one at a time, so a merge patch's read and write see no other write in between
    synchronized (this) {
      return write(request);
    }
  }

  private MockResponse write(RecordedRequest request) {
    MockResponse response;
    try {
      response = isMergePatch(request) ? mergePatch(request) : super.dispatch(request);
    } catch (RuntimeException e) {
      // the mock throws (and never answers) when a JSON patch does not apply to the stored
      // object; a real API server answers 422 and the client retries
      return new MockResponse()
          .setResponseCode(422)
          .setBody(
              Serialization.asJson(
                  Map.of(
                      "apiVersion", "v1",
                      "kind", "Status",
                      "status", "Failure",
                      "reason", "Invalid",
                      "code", 422,
                      "message", String.valueOf(e.getMessage()))));
    }
    String path = request.getPath().split("\\?", 2)[0];
    if ("POST".equalsIgnoreCase(request.getMethod())
        && path.startsWith(POOLS)
        && path.endsWith("/piserverpools")
        && response.code() < 300) {
      // getBytes leaves the body in place for the client (the read methods consume it)
      String body = new String(response.getBody().getBytes(), StandardCharsets.UTF_8);
      String name =
          Serialization.unmarshal(body, Map.class) instanceof Map<?, ?> m
                  && m.get("metadata") instanceof Map<?, ?> meta
              ? String.valueOf(meta.get("name"))
              : null;
      if (name != null) {
        Headers h =
            request
                .getHeaders()
                .newBuilder()
                .set("Content-Type", "application/merge-patch+json")
                .build();
        super.dispatch(
            new RecordedRequest(
                request.getHttpVersion(),
                HttpMethod.PATCH,
                path + "/" + name + "/status",
                h,
                new Buffer(EMPTY_STATUS.getBytes(StandardCharsets.UTF_8))));
      }
    }
    return response;
  }

  private static boolean isMergePatch(RecordedRequest request) {
    String type = request.getHeader("Content-Type");
    return "PATCH".equalsIgnoreCase(request.getMethod()) && type != null && type.startsWith(MERGE);
  }

  /** A merge patch applied as the equivalent JSON patch against the stored object. */
  private MockResponse mergePatch(RecordedRequest request) {
    String path = request.getPath().split("\\?", 2)[0];
    boolean status = path.endsWith("/status");
    MockResponse current = super.handleGet(status ? path.substring(0, path.length() - 7) : path);
    if (current.code() != 200) {
      return current;
    }
    try {
      JsonNode stored = JSON.readTree(current.getBody().getBytes());
      JsonNode patch = JSON.readTree(request.getBody().getBytes());
      byte[] ops = JSON.writeValueAsBytes(MergePatch.toJsonPatch(stored, patch, status));
      Headers h =
          request
              .getHeaders()
              .newBuilder()
              .set("Content-Type", "application/json-patch+json")
              .build();
      return super.dispatch(
          new RecordedRequest(
              request.getHttpVersion(), HttpMethod.PATCH, request.getPath(), h, new Buffer(ops)));
    } catch (java.io.IOException e) {
      return new MockResponse()
          .setResponseCode(400)
          .setBody("merge patch is not JSON: " + e.getMessage());
    }
  }
}

package io.pipool.simulator.kubectl;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;

/** JSON answers of the kubectl front, and API Status errors as kubectl expects them. */
final class Replies {

  static final String JSON_TYPE = "application/json";

  private Replies() {}

  static void json(HttpServerRequest req, int code, Object body) {
    try {
      raw(req, code, Buffer.buffer(Serialization.jsonMapper().writeValueAsBytes(body)));
    } catch (IOException e) {
      status(req, 500, "InternalError", e.getMessage());
    }
  }

  static void raw(HttpServerRequest req, int code, Buffer body) {
    if (!req.response().ended()) {
      req.response().setStatusCode(code).putHeader("Content-Type", JSON_TYPE).end(body);
    }
  }

  static void status(HttpServerRequest req, int code, String reason, String message) {
    json(
        req,
        code,
        new StatusBuilder()
            .withStatus("Failure")
            .withReason(reason)
            .withCode(code)
            .withMessage(String.valueOf(message))
            .build());
  }
}

package io.pipool.agent.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pipool.agent.NodeAgent;
import io.pipool.api.agent.AgentStatus;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Reads an agent's admin port. */
public final class Admin {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Admin() {}

  /** GET a path on the admin port. */
  public static RawHttp.Response get(NodeAgent agent, String path) {
    try (RawHttp http = new RawHttp(agent.adminPort())) {
      return http.get(path).read();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The status document. */
  public static AgentStatus status(NodeAgent agent) {
    try {
      return JSON.readValue(get(agent, "/v1/status").body(), AgentStatus.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The /readyz status code. */
  public static int readyz(NodeAgent agent) {
    return get(agent, "/readyz").status();
  }
}

package io.pipool.agent.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipool.agent.support.TestAgents;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A port already taken (on a real node: by an outgoing connection the widened ephemeral range
 * allowed) stops the agent with a message that names the address and the port; Netty's own says
 * only "bind(..) failed with error(-98): Address already in use".
 */
@ExtendWith(VertxExtension.class)
class BusyPortTest {

  @TempDir Path dir;

  @ParameterizedTest(name = "{0} taken")
  @CsvSource({
    "PIPOOL_SERVER_PORT, traffic",
    "PIPOOL_SERVER_ADMINPORT, the admin port",
    "PIPOOL_SERVER_AGENTCHECKPORT, HAProxy's agent check"
  })
  void aTakenPortIsNamedWithItsAddress(String variable, String what, Vertx vertx) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      Throwable failure = startFailure(vertx, Map.of(variable, String.valueOf(port)));
      assertThat(failure.getMessage())
          .contains("cannot listen on 127.0.0.1:" + port + " for " + what)
          .contains("in use");
    }
  }

  private Throwable startFailure(Vertx vertx, Map<String, String> env) throws Exception {
    try {
      TestAgents.start(vertx, TestAgents.settings(dir, env))
          .toCompletionStage()
          .toCompletableFuture()
          .get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("the agent started although its port was taken");
  }

  @Test
  void theMessageKeepsTheCause() {
    IllegalStateException e =
        ListenFailure.of("traffic", "198.18.0.2", 8080, new java.net.BindException("in use"));
    assertThat(e).hasMessage("cannot listen on 198.18.0.2:8080 for traffic: in use");
    assertThat(e.getCause()).isInstanceOf(java.net.BindException.class);
  }
}

package io.pipool.simulator.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.vertx.core.Vertx;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class ApiRelayTest {

  @Test
  @Timeout(20)
  void bytesPassBothWaysUntouched() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (ServerSocket upstream = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread echo =
          new Thread(
              () -> {
                try (Socket s = upstream.accept()) {
                  // answers in upper case, so the test sees the reply came from upstream
                  byte[] in = s.getInputStream().readNBytes(5);
                  s.getOutputStream()
                      .write(new String(in, StandardCharsets.US_ASCII).toUpperCase().getBytes());
                } catch (Exception e) {
                  // the assertion below fails
                }
              });
      echo.start();
      ApiRelay relay = ApiRelay.start(vertx, "127.0.0.1", "127.0.0.1", upstream.getLocalPort());
      try (Socket client = new Socket("127.0.0.1", relay.port())) {
        OutputStream out = client.getOutputStream();
        out.write("hello".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = client.getInputStream();
        assertThat(new String(in.readNBytes(5), StandardCharsets.US_ASCII)).isEqualTo("HELLO");
      } finally {
        relay.close();
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void theAgentsKubeconfigKeepsTheCredentialsAndPointsAtTheRelay(@TempDir Path dir)
      throws Exception {
    Path original = dir.resolve("kubeconfig");
    Files.writeString(
        original,
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: local
          cluster:
            server: https://127.0.0.1:16443
            certificate-authority: /tmp/pki/ca.crt
        users:
        - name: admin
          user:
            token: s3cret
        contexts:
        - name: local
          context: {cluster: local, user: admin}
        current-context: local
        """);
    assertThat(RelayedKubeconfig.server(original).getPort()).isEqualTo(16443);
    Path relayed =
        RelayedKubeconfig.write(original, NodeNetwork.GATEWAY, 40123, dir.resolve("agent"));
    assertThat(RelayedKubeconfig.server(relayed).toString())
        .isEqualTo("https://198.19.255.254:40123/");
    Map<?, ?> written = Serialization.unmarshal(Files.readString(relayed), Map.class);
    assertThat(written.get("users").toString()).contains("token=s3cret");
    assertThat(written.get("clusters").toString())
        .contains("certificate-authority=/tmp/pki/ca.crt")
        .doesNotContain("16443");
  }
}

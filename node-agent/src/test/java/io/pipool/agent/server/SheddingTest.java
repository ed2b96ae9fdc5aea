package io.pipool.agent.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pipool.agent.NodeAgent;
import io.pipool.agent.support.Admin;
import io.pipool.agent.support.Await;
import io.pipool.agent.support.RawHttp;
import io.pipool.agent.support.TestAgents;
import io.pipool.api.agent.AgentStatus.ServingMode;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class SheddingTest {

  @TempDir Path dir;

  private NodeAgent start(Vertx vertx) {
    return Await.result(
        TestAgents.start(
            vertx,
            TestAgents.settings(
                dir,
                Map.of(
                    "PIPOOL_SERVER_MAXCONNECTIONS", "8",
                    "PIPOOL_THERMAL_SHEDCONNECTIONFRACTION", "0.25"))));
  }

  @Test
  void tooHotShedsAtOnceAndRecoversBelowTheRecoverTemperature(Vertx vertx) throws Exception {
    TestAgents.thermalZone(dir, 0, "cpu-thermal", "50000");
    NodeAgent agent = start(vertx);
    assertThat(Admin.readyz(agent)).isEqualTo(200);
    assertThat(Admin.status(agent).connections().limit()).isEqualTo(8);

    TestAgents.thermalZone(dir, 0, "cpu-thermal", "85000");
    // the monitor sets the mode, then the cap: wait for all of it, not for readiness alone
    await("shedding: not ready, the cap lowered")
        .atMost(Await.SETTLE)
        .untilAsserted(
            () -> {
              assertThat(Admin.readyz(agent)).isEqualTo(503);
              assertThat(Admin.status(agent).servingMode()).isEqualTo(ServingMode.Shedding);
              assertThat(Admin.status(agent).connections().limit()).isEqualTo(2);
            });
    assertThat(Admin.get(agent, "/readyz").body()).contains("85.0");
    assertThat(Admin.get(agent, "/readyz/pod").status()).isEqualTo(503);

    try (RawHttp a = new RawHttp(agent.trafficPort());
        RawHttp b = new RawHttp(agent.trafficPort());
        RawHttp c = new RawHttp(agent.trafficPort())) {
      assertThat(a.get("/").read().status()).isEqualTo(200);
      assertThat(b.get("/").read().status()).isEqualTo(200);
      RawHttp.Response r = c.get("/").read();
      assertThat(r.status()).isEqualTo(503);
      assertThat(r.header("retry-after")).isNotNull();
      assertThat(r.body()).contains("too hot");
    }

    // Inside the hysteresis band: still shedding.
    TestAgents.thermalZone(dir, 0, "cpu-thermal", "77000");
    await("77 °C read")
        .atMost(Await.SETTLE)
        .until(() -> Double.valueOf(77.0).equals(agent.state().temperature().celsius()));
    assertThat(Admin.readyz(agent)).isEqualTo(503);

    TestAgents.thermalZone(dir, 0, "cpu-thermal", "70000");
    await("ready again, the cap restored")
        .atMost(Await.SETTLE)
        .untilAsserted(
            () -> {
              assertThat(Admin.readyz(agent)).isEqualTo(200);
              assertThat(Admin.status(agent).connections().limit()).isEqualTo(8);
              assertThat(Admin.status(agent).servingMode()).isEqualTo(ServingMode.Serving);
            });
    assertThat(Admin.get(agent, "/readyz/pod").status()).isEqualTo(200);
  }

  @Test
  void firmwareThrottlingShedsWhenConfigured(Vertx vertx) throws Exception {
    TestAgents.thermalZone(dir, 0, "cpu-thermal", "60000");
    Path fake = dir.resolve("vcgencmd");
    TestAgents.write(fake, "#!/bin/sh\necho throttled=0x40004\n");
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));

    NodeAgent agent = start(vertx);

    assertThat(Admin.readyz(agent)).isEqualTo(503);
    var status = Admin.status(agent);
    assertThat(status.servingMode()).isEqualTo(ServingMode.Shedding);
    assertThat(status.thermal().throttle().throttled()).isTrue();
    assertThat(Admin.get(agent, "/metrics").body())
        .contains("pipool_agent_throttle_flag{flag=\"throttled\",} 1.0");
  }

  @Test
  void aGarbledSensorIsReportedAndDoesNotShed(Vertx vertx) {
    TestAgents.thermalZone(dir, 0, "cpu-thermal", "garbage");
    NodeAgent agent = start(vertx);
    var status = Admin.status(agent);
    assertThat(status.servingMode()).isEqualTo(ServingMode.Serving);
    assertThat(status.thermal().temperatureCelsius()).isNull();
    assertThat(status.thermal().sensorError()).contains("garbled");
    assertThat(Admin.get(agent, "/metrics").body()).contains("pipool_agent_sensor_ok 0.0");
  }
}

package io.pipool.api.agent;

import io.pipool.api.v1alpha1.ServerSpec;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** The value rules of {@link AgentConfig}: ranges and cross-field checks, every problem at once. */
final class AgentConfigRules {

  static final int MAX_PORT = 65535;

  private final List<String> problems = new ArrayList<>();

  private AgentConfigRules() {}

  static List<String> check(AgentConfig c) {
    AgentConfigRules r = new AgentConfigRules();
    r.server(c.server());
    AgentConfig.Sysctls y = c.sysctls();
    r.range("sysctls.checkIntervalSeconds", y.checkIntervalSeconds(), 1, 86_400);
    r.thermal(c.thermal());
    r.range("shutdownGraceSeconds", c.shutdownGraceSeconds(), 0, 3600);
    return List.copyOf(r.problems);
  }

  private void server(AgentConfig.Server s) {
    int port = s.port();
    int adminPort = s.adminPort();
    range("server.port", port, 0, MAX_PORT);
    range("server.adminPort", adminPort, 0, MAX_PORT);
    if (port != 0 && port == adminPort) {
      problems.add("server.adminPort: must differ from server.port (" + port + ")");
    }
    if (s.agentCheckPort() != null) {
      int check = s.agentCheckPort();
      range("server.agentCheckPort", check, 0, MAX_PORT);
      if (check != 0 && (check == port || check == adminPort)) {
        problems.add(
            "server.agentCheckPort: must differ from server.port and server.adminPort ("
                + check
                + ")");
      }
    }
    range("server.echoBodyBytes", s.echoBodyBytes(), 0, 16 << 20);
    range("server.maxConnections", s.maxConnections(), 1, 1_000_000);
    range("server.idleTimeoutSeconds", s.idleTimeoutSeconds(), 1, 86_400);
    range("server.headerTimeoutSeconds", s.headerTimeoutSeconds(), 1, 3600);
    if (s.eventLoops() != null) {
      range("server.eventLoops", s.eventLoops(), 1, 256);
    }
    if (s.mode() == ServerSpec.Mode.Proxy) {
      upstream(s.upstream());
    }
    if ((s.tlsCertFile() == null) != (s.tlsKeyFile() == null)) {
      problems.add(
          "server.tlsCertFile and server.tlsKeyFile: set both (PEM files) for TLS, or neither");
    }
  }

  private void thermal(AgentConfig.Thermal t) {
    range("thermal.pollIntervalSeconds", t.pollIntervalSeconds(), 1, 3600);
    double critical = t.criticalCelsius();
    double recover = t.recoverCelsius();
    boolean inRange = celsius("thermal.criticalCelsius", critical);
    inRange &= celsius("thermal.recoverCelsius", recover);
    if (inRange && recover >= critical) {
      problems.add(
          "thermal.recoverCelsius: must be below thermal.criticalCelsius ("
              + recover
              + " >= "
              + critical
              + ")");
    }
    double fraction = t.shedConnectionFraction();
    if (!(fraction > 0 && fraction <= 1)) {
      problems.add(
          "thermal.shedConnectionFraction: " + fraction + " is out of range; allowed is (0, 1]");
    }
  }

  private void range(String field, int value, int min, int max) {
    if (value < min || value > max) {
      problems.add(field + ": " + value + " is out of range; allowed is " + min + " to " + max);
    }
  }

  private boolean celsius(String field, double value) {
    if (value >= 20 && value <= 120) {
      return true;
    }
    problems.add(field + ": " + value + " is out of range; allowed is 20 to 120 degrees Celsius");
    return false;
  }

  private void upstream(URI u) {
    String field = "server.upstream";
    if (u == null) {
      problems.add(field + ": required in Proxy mode, for example http://127.0.0.1:8081");
    } else if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme()))
        || u.getHost() == null) {
      problems.add(
          field
              + ": \""
              + u
              + "\" is not allowed; allowed is http://host[:port][/path] or https://...");
    }
  }
}

package io.pipool.operator.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.pipool.api.agent.AgentConfig;
import io.pipool.api.sysctl.SysctlRules;
import io.pipool.api.v1alpha1.PiServerPoolSpec;
import io.pipool.api.v1alpha1.ServerSpec;
import io.pipool.api.v1alpha1.ThermalSpec;
import java.net.URI;
import java.nio.file.Path;
import java.util.TreeMap;

/** Renders a pool's spec into the agent's agent.yaml. */
public final class AgentConfigModel {

  /** Where the ConfigMap is mounted in both containers. */
  public static final String CONFIG_DIR = "/etc/pi-pool";

  public static final String CONFIG_FILE = CONFIG_DIR + "/" + PoolNames.AGENT_YAML;

  /** The host's /proc/sys: written by the init container, read (read-only) by the server. */
  public static final String HOST_PROC_SYS = "/host/proc/sys";

  /** The host folder where the originals are saved so they survive pod restarts. */
  public static final String STATE_DIR = AgentConfig.Sysctls.DEFAULT_STATE_DIR;

  public static final String STATIC_DIR = AgentConfig.Server.DEFAULT_STATIC_DIR;
  public static final String TLS_DIR = CONFIG_DIR + "/tls";

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER))
          .setSerializationInclusion(JsonInclude.Include.NON_NULL);

  private AgentConfigModel() {}

  /** The agent configuration for this spec (node, pod and namespace come from the env). */
  public static AgentConfig config(PiServerPoolSpec spec) {
    ServerSpec s = spec.getServer() == null ? new ServerSpec() : spec.getServer();
    ThermalSpec t = spec.getThermal() == null ? new ThermalSpec() : spec.getThermal();
    ServerSpec.Mode mode = s.getMode() == null ? ServerSpec.Mode.Echo : s.getMode();
    boolean tls = s.getTlsSecret() != null;
    // absent fields get the agent's defaults; adminHost stays absent so the agent binds the pod IP
    AgentConfig.Server server =
        new AgentConfig.Server(
            null,
            s.getPort(),
            null,
            s.getAdminPort(),
            mode,
            s.getEchoBodyBytes(),
            null,
            mode == ServerSpec.Mode.Proxy && s.getUpstream() != null
                ? URI.create(s.getUpstream())
                : null,
            s.getCompression(),
            s.getHttp2(),
            s.getMaxConnections(),
            s.getIdleTimeoutSeconds(),
            null,
            tls ? Path.of(TLS_DIR, "tls.crt") : null,
            tls ? Path.of(TLS_DIR, "tls.key") : null,
            null,
            s.getAgentCheckPort());
    AgentConfig.Sysctls sysctls =
        new AgentConfig.Sysctls(
            Path.of(HOST_PROC_SYS),
            null,
            // sorted, so the rendered file (and its hash) does not depend on map order
            new TreeMap<>(SysctlRules.desired(spec.getSysctls())),
            null);
    AgentConfig.Thermal thermal =
        new AgentConfig.Thermal(
            null,
            null,
            null,
            t.getCriticalCelsius(),
            t.getDrainCelsius(),
            t.getTreatThrottledAsHot(),
            null);
    return new AgentConfig(
        null,
        null,
        null,
        server,
        sysctls,
        thermal,
        new AgentConfig.Serving(true, AgentConfig.Serving.Initial.Standby),
        null,
        null,
        null);
  }

  /** The agent.yaml text. */
  public static String yaml(PiServerPoolSpec spec) {
    try {
      return YAML.writeValueAsString(config(spec));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("agent config cannot be rendered", e);
    }
  }
}

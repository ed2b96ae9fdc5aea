package io.pipool.simulator.cluster;

import io.pipool.api.agent.AgentVariables;
import io.pipool.simulator.node.SimNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment overrides that put an agent onto its simulated node, through the agent's own
 * documented variables: bind to the node's loopback address, tune the node's fake /proc/sys, read
 * its fake thermal zone, keep the originals in its folder.
 */
public final class AgentEnv {

  private AgentEnv() {}

  /** The container's environment with the node's overrides laid over it. */
  public static Map<String, String> forNode(SimNode node, Map<String, String> containerEnv) {
    Map<String, String> env = new LinkedHashMap<>(containerEnv);
    env.put(AgentVariables.of("server.host"), node.address());
    env.put(AgentVariables.of("server.adminHost"), node.address());
    env.put(AgentVariables.of("sysctls.procRoot"), node.procSys().toString());
    env.put(AgentVariables.of("sysctls.stateFile"), node.stateFile().toString());
    env.put(AgentVariables.of("thermal.sysfsRoot"), node.sysfs().toString());
    // no firmware to ask: a path that does not exist makes the agent skip throttle flags
    env.put(AgentVariables.of("thermal.vcgencmd"), node.root().resolve("no-vcgencmd").toString());
    // hundreds of agents share this machine's cores: one traffic event loop each
    env.put(AgentVariables.of("server.eventLoops"), "1");
    return env;
  }
}

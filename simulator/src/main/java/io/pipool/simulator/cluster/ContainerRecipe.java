package io.pipool.simulator.cluster;

import java.util.Map;

/**
 * What the simulated kubelet runs for one container of an agent pod or restore Job: the agent
 * command, the agent.yaml text from the mounted ConfigMap, and the container's environment.
 *
 * @param container container name
 * @param verb the agent command: serve, apply-sysctls or restore-sysctls
 * @param configYaml agent.yaml as mounted into the container
 * @param env resolved environment (literal values and the downward API)
 */
public record ContainerRecipe(
    String container, String verb, String configYaml, Map<String, String> env) {

  /** The agent's long-running server. */
  public static final String SERVE = "serve";

  /** The privileged one-shot step that writes the sysctls. */
  public static final String APPLY = "apply-sysctls";

  /** The privileged one-shot step that puts the originals back. */
  public static final String RESTORE = "restore-sysctls";
}

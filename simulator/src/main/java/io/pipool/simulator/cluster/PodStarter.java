package io.pipool.simulator.cluster;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.pipool.simulator.node.SimNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The blocking part of starting a pod, run on a worker: read what each container runs, run the
 * one-shot agent commands (the init step, or a restore Job's only container) against the node's
 * files, then start the agent. It changes no state of the kubelet: it answers a {@link
 * StartOutcome}.
 */
final class PodStarter {

  private final AgentLauncher launcher;
  private final BiFunction<String, String, Map<String, String>> configMaps;
  private final CommandFaults faults;

  /**
   * @param configMaps looks up a ConfigMap's data by namespace and name (null when missing)
   * @param faults the one-shot commands to kill part-way
   */
  PodStarter(
      AgentLauncher launcher,
      BiFunction<String, String, Map<String, String>> configMaps,
      CommandFaults faults) {
    this.launcher = launcher;
    this.configMaps = configMaps;
    this.faults = faults;
  }

  /** Starts {@code pod} on {@code node}; blocks until the agent runs or the attempt failed. */
  StartOutcome start(Pod pod, SimNode node) {
    List<Container> inits =
        Optional.ofNullable(pod.getSpec().getInitContainers()).orElse(List.of());
    List<Container> mains = pod.getSpec().getContainers();
    List<String> initNames = names(inits);
    List<String> mainNames = names(mains);
    List<ContainerRecipe> recipes = new ArrayList<>();
    try {
      for (Container c : inits) {
        recipes.add(recipe(pod, c, node));
      }
      for (Container c : mains) {
        recipes.add(recipe(pod, c, node));
      }
    } catch (IllegalArgumentException e) {
      String first = inits.isEmpty() ? mainNames.get(0) : initNames.get(0);
      return new StartOutcome.InitFailed(first, mainNames, e.getMessage());
    }
    Optional<ContainerRecipe> serve =
        recipes.stream().filter(r -> r.verb().equals(ContainerRecipe.SERVE)).findFirst();
    for (ContainerRecipe r : recipes) {
      if (r.verb().equals(ContainerRecipe.SERVE)) {
        continue;
      }
      String failure = AgentCommands.run(node, pod.getMetadata().getName(), r, faults);
      if (serve.isEmpty()) {
        return new StartOutcome.Finished(
            r.container(), failure == null, failure == null ? "done" : failure);
      }
      if (failure != null) {
        return new StartOutcome.InitFailed(r.container(), mainNames, failure);
      }
    }
    ContainerRecipe s = serve.orElseThrow();
    try {
      AgentLauncher.RunningAgent agent =
          launcher.start(node, s.configYaml(), AgentEnv.forNode(node, s.env())).join();
      return new StartOutcome.Started(agent, initNames, s.container());
    } catch (RuntimeException e) {
      String why = e.getCause() == null ? e.getMessage() : e.getCause().getMessage();
      return new StartOutcome.AgentFailed(initNames, s.container(), why);
    }
  }

  private ContainerRecipe recipe(Pod pod, Container c, SimNode node) {
    return PodRecipes.read(pod.getMetadata(), pod.getSpec(), c, configMaps, node.address());
  }

  private static List<String> names(List<Container> containers) {
    return containers.stream().map(Container::getName).toList();
  }
}

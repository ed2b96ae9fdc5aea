package io.pipool.simulator.cluster;

import io.pipool.agent.cli.Main;
import io.pipool.agent.config.ConfigLoader;
import io.pipool.agent.sysctl.StateFile;
import io.pipool.agent.sysctl.SysctlTool;
import io.pipool.api.agent.AgentConfig;
import io.pipool.simulator.node.SimNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Runs the agent's own one-shot commands ({@code apply-sysctls}, {@code restore-sysctls}) in this
 * JVM through its command line entry point, against a simulated node's files.
 */
final class AgentCommands {

  private AgentCommands() {}

  /**
   * Runs {@code recipe} for pod {@code podName} on {@code node}, or kills it part-way when {@code
   * faults} says so.
   *
   * @return null on success, otherwise what went wrong (the command's error output)
   */
  static String run(SimNode node, String podName, ContainerRecipe recipe, CommandFaults faults) {
    try {
      Path config = node.work().resolve(podName + "-" + recipe.container() + ".yaml");
      Files.writeString(config, recipe.configYaml());
      Optional<Integer> kill = faults.take(recipe.verb(), node.name());
      if (kill.isPresent()) {
        return runUntilKilled(node, recipe, config, kill.get(), faults);
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int code;
      try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
          PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
        code =
            Main.run(
                new String[] {recipe.verb(), "--config", config.toString()},
                AgentEnv.forNode(node, recipe.env()),
                o,
                e);
      }
      if (code == Main.OK) {
        return null;
      }
      String message = err.toString(StandardCharsets.UTF_8).trim();
      return recipe.verb() + " exited " + code + (message.isEmpty() ? "" : ": " + message);
    } catch (IOException e) {
      return recipe.verb() + ": " + e.getMessage();
    }
  }

  /** The command's own steps on a /proc/sys where the process dies at a chosen write. */
  private static String runUntilKilled(
      SimNode node, ContainerRecipe recipe, Path config, int afterWrites, CommandFaults faults) {
    Map<String, String> env = AgentEnv.forNode(node, recipe.env());
    AgentConfig s = ConfigLoader.load(config, env);
    SysctlTool tool =
        new SysctlTool(
            CommandFaults.dyingAfter(s.sysctls().procRoot(), afterWrites),
            new StateFile(s.sysctls().stateFile()));
    try {
      boolean ok =
          recipe.verb().equals(ContainerRecipe.APPLY)
              ? tool.apply(s.sysctls().values()).ok()
              : tool.restore().ok();
      return ok ? null : recipe.verb() + " failed";
    } catch (CommandFaults.Killed k) {
      faults.killed(recipe.verb(), node.name());
      return recipe.verb() + " was killed (SIGKILL, exit 137): " + k.getMessage();
    }
  }
}

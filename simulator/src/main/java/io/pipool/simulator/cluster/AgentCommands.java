package io.pipool.simulator.cluster;

import io.pipool.agent.cli.Main;
import io.pipool.simulator.node.SimNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs the agent's own one-shot commands ({@code apply-sysctls}, {@code restore-sysctls}) in this
 * JVM through its command line entry point, against a simulated node's files.
 */
final class AgentCommands {

  private AgentCommands() {}

  /**
   * Runs {@code recipe} for pod {@code podName} on {@code node}.
   *
   * @return null on success, otherwise what went wrong (the command's error output)
   */
  static String run(SimNode node, String podName, ContainerRecipe recipe) {
    try {
      Path config = node.work().resolve(podName + "-" + recipe.container() + ".yaml");
      Files.writeString(config, recipe.configYaml());
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
}

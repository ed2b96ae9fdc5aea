package io.pipool.simulator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipool.simulator.node.NodeFiles;
import io.pipool.simulator.node.SimNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An apply-sysctls or restore-sysctls killed at any of its writes leaves a node whose originals
 * still come back: the kubelet runs the killed step again, and the restore after it puts back the
 * values the node had before pi-pool first changed them, never a value pi-pool wrote.
 */
class CommandFaultsTest {

  private static final String VALUES =
      """
      sysctls:
        values:
          net.core.somaxconn: "8192"
          net.ipv4.tcp_max_syn_backlog: "4096"
          net.ipv4.ip_local_port_range: "1024 65535"
          net.core.netdev_max_backlog: "4096"
      """;

  @TempDir Path dir;

  @ParameterizedTest(name = "{0} killed after {1} write(s)")
  @CsvSource({
    "apply-sysctls, 0",
    "apply-sysctls, 1",
    "apply-sysctls, 3",
    "restore-sysctls, 0",
    "restore-sysctls, 2",
    "restore-sysctls, 3"
  })
  void aKilledStepRunAgainLeavesTheOriginalsRestorable(String verb, int afterWrites) {
    SimNode node = new SimNode(1, "pi-1", "127.0.1.1", dir.resolve("pi-1"));
    NodeFiles.seed(node, 40);
    CommandFaults faults = new CommandFaults();
    faults.killNext(verb, node.name(), afterWrites);

    String first = run(node, ContainerRecipe.APPLY, faults);
    if (verb.equals(ContainerRecipe.APPLY)) {
      assertThat(first).as("the killed apply's failure").contains("killed");
      assertThat(run(node, ContainerRecipe.APPLY, faults)).as("apply run again").isNull();
    } else {
      assertThat(first).isNull();
    }
    assertThat(NodeFiles.readSysctl(node, "net.core.somaxconn")).isEqualTo("8192");
    // the agent restarting re-applies over tuned values: the saved originals must stay true
    assertThat(run(node, ContainerRecipe.APPLY, faults)).isNull();

    String restore = run(node, ContainerRecipe.RESTORE, faults);
    if (verb.equals(ContainerRecipe.RESTORE)) {
      assertThat(restore).as("the killed restore's failure").contains("killed");
      assertThat(Files.exists(node.stateFile())).as("originals kept for the retry").isTrue();
      assertThat(run(node, ContainerRecipe.RESTORE, faults)).as("restore run again").isNull();
    } else {
      assertThat(restore).isNull();
    }
    assertThat(faults.kills(verb, node.name())).isEqualTo(1);
    for (String name : names()) {
      assertThat(NodeFiles.readSysctl(node, name))
          .as(name)
          .isEqualTo(NodeFiles.PI_OS_DEFAULTS.get(name).replace('\t', ' '));
    }
    assertThat(Files.exists(node.stateFile())).as("state file removed once restored").isFalse();
  }

  private static String[] names() {
    return new String[] {
      "net.core.somaxconn",
      "net.ipv4.tcp_max_syn_backlog",
      "net.ipv4.ip_local_port_range",
      "net.core.netdev_max_backlog"
    };
  }

  private static String run(SimNode node, String verb, CommandFaults faults) {
    return AgentCommands.run(
        node, "pod", new ContainerRecipe(verb, verb, VALUES, Map.of()), faults);
  }
}

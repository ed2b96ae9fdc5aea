package io.pipool.simulator.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DemoOptionsTest {

  private static DemoOptions parse(String... args) {
    return DemoOptions.parse(List.of(args), Map.of());
  }

  @Test
  void theDefaultsTellTheWholeStoryInUnderTwoMinutes() {
    DemoOptions o = parse();
    assertThat(o.nodes()).isEqualTo(6);
    assertThat(o.duration()).isLessThanOrEqualTo(Duration.ofSeconds(100));
    assertThat(o.loadProfile().peak()).isBetween(1000, DemoOptions.MAX_PEAK);
    assertThat(o.heatAt()).isLessThan(o.coolAt()).isLessThan(o.duration());
  }

  @Test
  void optionsTakeTheirValueAfterASpaceOrAnEqualsSign() {
    DemoOptions o = parse("--nodes", "10", "--speed=5", "--load", "0:0,10:100", "--plain");
    assertThat(o.nodes()).isEqualTo(10);
    assertThat(o.speed()).isEqualTo(5.0);
    assertThat(o.loadProfile().toString()).isEqualTo("0:0,10:100");
    assertThat(o.plain()).isTrue();
  }

  @Test
  void kubectlsKubeconfigGoesToTheWorkFolderUnlessNamed() {
    assertThat(parse().kubeconfigOut()).isNull();
    assertThat(parse("--kubeconfig-out", "/tmp/k.yaml").kubeconfigOut())
        .isEqualTo(java.nio.file.Path.of("/tmp/k.yaml"));
    assertThat(DemoOptions.USAGE).contains("--kubeconfig-out");
  }

  @ParameterizedTest
  @CsvSource({
    "--nodes, 0, --nodes",
    "--nodes, many, --nodes",
    "--peak, 9000, --peak",
    "--speed, 0, --speed",
    "--duration, 5, --duration",
    "--operator-wait, 5, --operator-wait",
    "--operator, elsewhere, --operator",
  })
  void badValuesNameTheOptionAndTheAllowedRange(String option, String value, String named) {
    assertThatThrownBy(() -> parse(option, value))
        .hasMessageContaining(named)
        .hasMessageContaining("allowed");
  }

  @Test
  void anUnknownOptionPointsToHelp() {
    assertThatThrownBy(() -> parse("--colour")).hasMessageContaining("--help");
  }

  @Test
  void helpListsEveryKnob() {
    assertThat(DemoOptions.USAGE)
        .contains("--nodes", "--duration", "--speed", "--load", "--kubeconfig", "--peak");
  }

  @Test
  void netnsNeedsARealCluster() {
    assertThatThrownBy(() -> parse("--netns"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--netns: needs --kubeconfig");
    DemoOptions o = parse("--kubeconfig", "/tmp/k", "--netns");
    assertThat(o.netns()).isTrue();
    assertThat(o.agentJar()).as("agents share one JVM unless --agent-jar").isNull();
    assertThat(parse().netns()).isFalse();
  }

  @Test
  void aRealNodeNeedsARealCluster() {
    assertThatThrownBy(() -> parse("--real-node", "pipool-node-8"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--real-node: needs --kubeconfig");
    assertThatThrownBy(() -> parse("--kubeconfig", "/tmp/k", "--real-node"))
        .hasMessageContaining("--real-node: needs a value");
    assertThat(parse("--kubeconfig", "/tmp/k", "--real-node=pipool-node-8").realNode())
        .isEqualTo("pipool-node-8");
    assertThat(parse().realNode()).isNull();
  }

  @Test
  void theOperatorRunsInTheDemoUnlessToldItIsExternal() {
    assertThat(parse().operator()).isEqualTo(DemoOptions.Operator.IN_PROCESS);
    assertThat(parse().operatorWait()).isEqualTo(Duration.ofSeconds(60));
    DemoOptions o =
        parse("--operator", "external", "--operator-kubeconfig", "/tmp/op", "--operator-wait=300");
    assertThat(o.operator()).isEqualTo(DemoOptions.Operator.EXTERNAL);
    assertThat(o.operatorKubeconfig()).isEqualTo(java.nio.file.Path.of("/tmp/op"));
    assertThat(o.operatorWait()).isEqualTo(Duration.ofSeconds(300));
    assertThatThrownBy(() -> parse("--operator", "remote"))
        .hasMessage("--operator: \"remote\" is not allowed; allowed are in-process, external");
  }

  @Test
  void anOperatorKubeconfigNeedsAnExternalOperatorOnTheEmbeddedApiServer() {
    assertThatThrownBy(() -> parse("--operator-kubeconfig", "/tmp/op"))
        .hasMessageContaining("--operator-kubeconfig: needs --operator external");
    assertThatThrownBy(
            () ->
                parse(
                    "--operator=external",
                    "--kubeconfig",
                    "/tmp/k",
                    "--operator-kubeconfig",
                    "/tmp/op"))
        .hasMessageContaining("--operator-kubeconfig: needs");
    assertThat(DemoOptions.USAGE)
        .contains("--operator ", "--operator-kubeconfig", "--operator-wait");
  }
}

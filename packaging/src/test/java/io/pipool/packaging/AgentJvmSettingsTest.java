package io.pipool.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.api.v1alpha1.PiServerPoolSpec;
import io.pipool.operator.model.DaemonSetModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The agent's JVM flags are written in one place, its image recipe: the benchmark runs the agent
 * with them, and neither the operator's DaemonSet nor the chart adds JVM options of its own, so the
 * agent measured in docs/benchmarks.md is the agent a pool runs.
 */
class AgentJvmSettingsTest {

  private static final String AGENT_RECIPE = "node-agent/src/main/image/image.json";

  /** Where the benchmarks take the agent's JVM from. */
  private static final String BENCH_JVM = "bench/lib/agent-jvm.sh";

  /** The benchmarks that start the agent. */
  private static final List<String> AGENT_BENCHES =
      List.of(BENCH_JVM, "bench/agent-vs-nginx.sh", "bench/agent-memory.sh");

  /**
   * The only JVM options the benchmarks may write themselves: the container and AOT cache
   * stand-ins, and the memory benchmark's tracking.
   */
  private static final Set<String> BENCH_OWN_OPTIONS =
      Set.of(
          "-XX:MaxRAM",
          "-XX:AOTCacheOutput",
          "-XX:AOTCache",
          "-XX:AOTMode",
          "-XX:NativeMemoryTracking");

  private static final Set<String> JVM_OPTION_VARIABLES =
      Set.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS", "JAVA_OPTS");

  private static final Pattern JVM_OPTION = Pattern.compile("(?<![\\w-])-X[\\w:+-]*");

  @Test
  void benchmarksTakeTheAgentsFlagsAndEnvironmentFromTheRecipe() {
    assertThat(Repo.read(BENCH_JVM))
        .contains(AGENT_RECIPE)
        .contains(".config.Entrypoint[1:-2][]", ".config.Env", ".memoryLimit");
    for (String bench : AGENT_BENCHES) {
      String script = Repo.read(bench);
      if (!bench.equals(BENCH_JVM)) {
        assertThat(script).contains("source \"$ROOT/" + BENCH_JVM + "\"", "\"${AGENT_JVM[@]}\"");
      }
      List<String> own = new ArrayList<>();
      script
          .lines()
          .filter(l -> !l.stripLeading().startsWith("#"))
          .forEach(
              l -> {
                Matcher m = JVM_OPTION.matcher(l);
                while (m.find()) {
                  own.add(m.group());
                }
              });
      assertThat(own)
          .as("JVM options %s writes itself (the agent's belong in %s)", bench, AGENT_RECIPE)
          .allMatch(BENCH_OWN_OPTIONS::contains);
    }
  }

  @Test
  void daemonSetAddsNoJvmOptionsAndGivesTheLimitTheFlagsAreSizedFor() {
    ImageRecipe recipe = ImageRecipe.read(AGENT_RECIPE);
    assertThat(recipe.config().entrypoint()).anyMatch(f -> f.startsWith("-XX:MaxRAMPercentage="));
    PodSpec pod =
        DaemonSetModel.daemonSet(defaultPool(), "pipool/node-agent:test")
            .getSpec()
            .getTemplate()
            .getSpec();
    List<Container> containers =
        Stream.concat(pod.getInitContainers().stream(), pod.getContainers().stream()).toList();
    for (Container c : containers) {
      assertThat(c.getCommand()).as(c.getName() + " keeps the image's entrypoint").isNullOrEmpty();
      assertThat(c.getEnv().stream().map(EnvVar::getName))
          .as(c.getName() + " sets no JVM options")
          .noneMatch(JVM_OPTION_VARIABLES::contains);
      assertThat(c.getArgs()).noneMatch(a -> a.startsWith("-X"));
    }
    Container agent =
        pod.getContainers().stream()
            .filter(c -> c.getName().equals(DaemonSetModel.CONTAINER))
            .findFirst()
            .orElseThrow();
    assertThat(agent.getResources().getLimits().get("memory").toString())
        .as("the agent container's default memory limit is the one %s is sized for", AGENT_RECIPE)
        .isEqualTo(recipe.memoryLimit());
  }

  @Test
  void chartsExamplePoolKeepsTheDefaults() {
    assertThat(Repo.read("charts/pi-pool/templates/example-pool.yaml"))
        .doesNotContain("resources:")
        .doesNotContain("JAVA_TOOL_OPTIONS");
  }

  private static PiServerPool defaultPool() {
    PiServerPool pool = new PiServerPool();
    pool.getMetadata().setName("jvm-settings");
    pool.getMetadata().setNamespace("web");
    pool.setSpec(new PiServerPoolSpec());
    return pool;
  }
}

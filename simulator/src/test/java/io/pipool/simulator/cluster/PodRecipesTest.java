package io.pipool.simulator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodRecipesTest {

  private static final ObjectMeta META =
      new ObjectMetaBuilder().withName("web-agent-abcde").withNamespace("default").build();

  private static Container container(String... args) {
    return new ContainerBuilder()
        .withName("agent")
        .withArgs(args)
        .addNewVolumeMount()
        .withName("config")
        .withMountPath("/etc/pi-pool")
        .endVolumeMount()
        .addNewEnv()
        .withName("PIPOOL_NODE_NAME")
        .withNewValueFrom()
        .withNewFieldRef()
        .withFieldPath("spec.nodeName")
        .endFieldRef()
        .endValueFrom()
        .endEnv()
        .addNewEnv()
        .withName("PIPOOL_POD_NAME")
        .withNewValueFrom()
        .withNewFieldRef()
        .withFieldPath("metadata.name")
        .endFieldRef()
        .endValueFrom()
        .endEnv()
        .addNewEnv()
        .withName("LITERAL")
        .withValue("x")
        .endEnv()
        .build();
  }

  private static PodSpec spec(Container c) {
    return new PodSpecBuilder()
        .withNodeName("pi-2")
        .withContainers(c)
        .addNewVolume()
        .withName("config")
        .withNewConfigMap()
        .withName("web-agent")
        .endConfigMap()
        .endVolume()
        .build();
  }

  @Test
  void readsTheCommandTheMountedConfigAndTheDownwardApi() {
    Container c = container("serve", "--config", "/etc/pi-pool/agent.yaml");
    ContainerRecipe r =
        PodRecipes.read(
            META,
            spec(c),
            c,
            (ns, name) -> name.equals("web-agent") ? Map.of("agent.yaml", "server: {}\n") : null,
            "127.0.1.2");
    assertThat(r.verb()).isEqualTo(ContainerRecipe.SERVE);
    assertThat(r.configYaml()).isEqualTo("server: {}\n");
    assertThat(r.env())
        .containsEntry("PIPOOL_NODE_NAME", "pi-2")
        .containsEntry("PIPOOL_POD_NAME", "web-agent-abcde")
        .containsEntry("LITERAL", "x");
  }

  @Test
  void aMissingConfigMapIsReportedByName() {
    Container c = container("apply-sysctls", "--config", "/etc/pi-pool/agent.yaml");
    assertThatThrownBy(() -> PodRecipes.read(META, spec(c), c, (ns, name) -> null, "127.0.1.2"))
        .hasMessageContaining("configmap \"web-agent\"");
  }

  @Test
  void aContainerThatIsNotTheAgentIsRefusedWithWhatItRuns() {
    Container c = container("nginx", "-g", "daemon off;");
    assertThatThrownBy(() -> PodRecipes.read(META, spec(c), c, (ns, name) -> Map.of(), "127.0.1.2"))
        .hasMessageContaining("container agent")
        .hasMessageContaining("nginx");
  }
}

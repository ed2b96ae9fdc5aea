package io.pipool.simulator.cluster;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Reads a pod spec the way a kubelet would for the agent image: which agent command each container
 * runs, which ConfigMap key is mounted at its {@code --config} path, and its environment with the
 * downward API resolved. Anything it cannot run is reported with the container named.
 */
public final class PodRecipes {

  private static final List<String> VERBS =
      List.of(ContainerRecipe.SERVE, ContainerRecipe.APPLY, ContainerRecipe.RESTORE);

  private PodRecipes() {}

  /**
   * The recipe of one container.
   *
   * @param meta the pod's metadata (name and namespace for the downward API)
   * @param spec the pod spec (volumes, node name)
   * @param container the container
   * @param configMaps looks up a ConfigMap's data by namespace and name (null when missing)
   * @param podIp the address the pod gets (host network: the node's)
   */
  public static ContainerRecipe read(
      ObjectMeta meta,
      PodSpec spec,
      Container container,
      BiFunction<String, String, Map<String, String>> configMaps,
      String podIp) {
    List<String> words = new ArrayList<>();
    if (container.getCommand() != null) {
      words.addAll(container.getCommand());
    }
    if (container.getArgs() != null) {
      words.addAll(container.getArgs());
    }
    String verb =
        words.stream()
            .filter(VERBS::contains)
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "container "
                            + container.getName()
                            + ": runs "
                            + words
                            + "; the simulator runs only the agent commands "
                            + VERBS));
    int at = words.indexOf("--config");
    String yaml = "";
    if (at >= 0 && at + 1 < words.size()) {
      yaml = configText(meta, spec, container, words.get(at + 1), configMaps);
    }
    return new ContainerRecipe(
        container.getName(), verb, yaml, env(meta, spec, container, configMaps, podIp));
  }

  private static String configText(
      ObjectMeta meta,
      PodSpec spec,
      Container container,
      String path,
      BiFunction<String, String, Map<String, String>> configMaps) {
    VolumeMount mount =
        Optional.ofNullable(container.getVolumeMounts()).orElse(List.of()).stream()
            .filter(m -> path.startsWith(m.getMountPath().replaceAll("/+$", "") + "/"))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "container " + container.getName() + ": nothing is mounted at " + path));
    Volume volume =
        Optional.ofNullable(spec.getVolumes()).orElse(List.of()).stream()
            .filter(v -> v.getName().equals(mount.getName()))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "container "
                            + container.getName()
                            + ": volume "
                            + mount.getName()
                            + " is not declared"));
    if (volume.getConfigMap() == null) {
      throw new IllegalArgumentException(
          "container "
              + container.getName()
              + ": "
              + path
              + " is not on a ConfigMap volume; the simulator reads agent.yaml from ConfigMaps");
    }
    String relative = path.substring(mount.getMountPath().replaceAll("/+$", "").length() + 1);
    String key = relative;
    if (volume.getConfigMap().getItems() != null && !volume.getConfigMap().getItems().isEmpty()) {
      key =
          volume.getConfigMap().getItems().stream()
              .filter(i -> i.getPath().equals(relative))
              .map(KeyToPath::getKey)
              .findFirst()
              .orElse(null);
    }
    String name = volume.getConfigMap().getName();
    Map<String, String> data = configMaps.apply(meta.getNamespace(), name);
    if (data == null || key == null || !data.containsKey(key)) {
      throw new IllegalArgumentException(
          "configmap \"" + name + "\" not found or has no key for " + path);
    }
    return data.get(key);
  }

  private static Map<String, String> env(
      ObjectMeta meta,
      PodSpec spec,
      Container container,
      BiFunction<String, String, Map<String, String>> configMaps,
      String podIp) {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar e : Optional.ofNullable(container.getEnv()).orElse(List.of())) {
      if (e.getValue() != null) {
        env.put(e.getName(), e.getValue());
      } else if (e.getValueFrom() != null && e.getValueFrom().getFieldRef() != null) {
        String v = field(meta, spec, e.getValueFrom().getFieldRef().getFieldPath(), podIp);
        if (v != null) {
          env.put(e.getName(), v);
        }
      } else if (e.getValueFrom() != null && e.getValueFrom().getConfigMapKeyRef() != null) {
        var ref = e.getValueFrom().getConfigMapKeyRef();
        Map<String, String> data = configMaps.apply(meta.getNamespace(), ref.getName());
        if (data != null && data.get(ref.getKey()) != null) {
          env.put(e.getName(), data.get(ref.getKey()));
        }
      }
    }
    return env;
  }

  private static String field(ObjectMeta meta, PodSpec spec, String path, String podIp) {
    return switch (path) {
      case "metadata.name" -> meta.getName();
      case "metadata.namespace" -> meta.getNamespace();
      case "metadata.uid" -> meta.getUid();
      case "spec.nodeName" -> spec.getNodeName();
      case "spec.serviceAccountName" -> spec.getServiceAccountName();
      case "status.podIP", "status.hostIP" -> podIp;
      default -> null;
    };
  }
}

package io.pipool.operator.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.pipool.api.v1alpha1.PiServerPool;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every object a valid pool should own, each stamped with the hash of its own content. */
public final class DesiredState {

  // sorted keys: the hash must not depend on map iteration order, which differs between JVMs
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
          .configure(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY, true)
          .build();

  private DesiredState() {}

  /** In creation order: identity and permissions before the pods that use them. */
  public static List<HasMetadata> of(PiServerPool pool, String defaultImage) {
    return List.<HasMetadata>of(
            AgentResources.serviceAccount(pool),
            AgentResources.role(pool),
            AgentResources.roleBinding(pool),
            AgentResources.configMap(pool),
            DaemonSetModel.daemonSet(pool, defaultImage),
            AgentResources.service(pool))
        .stream()
        .<HasMetadata>map(DesiredState::stamp)
        .toList();
  }

  /** Adds the desired-hash annotation; the hash covers everything but that annotation. */
  public static <T extends HasMetadata> T stamp(T desired) {
    Map<String, String> annotations =
        desired.getMetadata().getAnnotations() == null
            ? new LinkedHashMap<>()
            : new LinkedHashMap<>(desired.getMetadata().getAnnotations());
    annotations.remove(PoolNames.DESIRED_HASH);
    desired.getMetadata().setAnnotations(annotations.isEmpty() ? null : annotations);
    String hash = hash(desired);
    annotations.put(PoolNames.DESIRED_HASH, hash);
    desired.getMetadata().setAnnotations(annotations);
    return desired;
  }

  /** The desired-hash an object carries, or null. */
  public static String hashOf(HasMetadata actual) {
    Map<String, String> annotations = actual.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(PoolNames.DESIRED_HASH);
  }

  static String hash(HasMetadata object) {
    try {
      return Hashing.sha256(JSON.writeValueAsString(object));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + object.getKind(), e);
    }
  }
}

package io.pipool.operator.model;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.pipool.api.v1alpha1.PiServerPool;
import java.util.LinkedHashMap;
import java.util.Map;

/** Names, labels and owner references of everything the operator creates for a pool. */
public final class PoolNames {

  public static final String NAME_LABEL = "app.kubernetes.io/name";
  public static final String INSTANCE_LABEL = "app.kubernetes.io/instance";
  public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
  public static final String AGENT_NAME = "pi-pool-agent";
  public static final String MANAGED_BY = "pi-pool-operator";

  /** Label selector of everything the operator creates; its informers cache only these. */
  public static final String MANAGED_SELECTOR = MANAGED_BY_LABEL + "=" + MANAGED_BY;

  /** Pod-template annotation whose change rolls the agent pods. */
  public static final String CONFIG_HASH = PiServerPool.GROUP + "/config-hash";

  /** Label on restore Jobs naming the node they restore. */
  public static final String RESTORE_NODE_LABEL = PiServerPool.GROUP + "/restore-node";

  /** Key of the agent config in the ConfigMap. */
  public static final String AGENT_YAML = "agent.yaml";

  private PoolNames() {}

  /** ConfigMap, ServiceAccount, Role, RoleBinding and DaemonSet name. */
  public static String agent(PiServerPool pool) {
    return pool.getMetadata().getName() + "-agent";
  }

  /** The front-end ConfigMap (HAProxy backend, nginx upstream): {@code <pool>-frontend}. */
  public static String frontend(PiServerPool pool) {
    return pool.getMetadata().getName() + "-frontend";
  }

  /** Service name: the pool's own name. */
  public static String service(PiServerPool pool) {
    return pool.getMetadata().getName();
  }

  /** The labels every owned object and the pod template carry. */
  public static Map<String, String> labels(PiServerPool pool) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(NAME_LABEL, AGENT_NAME);
    labels.put(INSTANCE_LABEL, pool.getMetadata().getName());
    labels.put(MANAGED_BY_LABEL, MANAGED_BY);
    labels.put(PiServerPool.POOL_LABEL, pool.getMetadata().getName());
    return labels;
  }

  /** The DaemonSet's (immutable) pod selector. */
  public static Map<String, String> selector(PiServerPool pool) {
    Map<String, String> selector = new LinkedHashMap<>();
    selector.put(NAME_LABEL, AGENT_NAME);
    selector.put(PiServerPool.POOL_LABEL, pool.getMetadata().getName());
    return selector;
  }

  /** The Service's selector: this pool's agents that serve. */
  public static Map<String, String> servingSelector(PiServerPool pool) {
    Map<String, String> selector = new LinkedHashMap<>();
    selector.put(PiServerPool.POOL_LABEL, pool.getMetadata().getName());
    selector.put(PiServerPool.SERVING_LABEL, "true");
    return selector;
  }

  /** status.selector, the same selection as a label-selector string. */
  public static String servingSelectorString(PiServerPool pool) {
    return PiServerPool.POOL_LABEL
        + "="
        + pool.getMetadata().getName()
        + ","
        + PiServerPool.SERVING_LABEL
        + "=true";
  }

  /** Metadata for an owned object: name, namespace, labels, controller owner reference. */
  public static ObjectMeta metadata(PiServerPool pool, String name) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(pool.getMetadata().getNamespace())
        .withLabels(labels(pool))
        .withOwnerReferences(owner(pool))
        .build();
  }

  /** Controller owner reference to the pool, so the API server garbage-collects with it. */
  public static OwnerReference owner(PiServerPool pool) {
    return new OwnerReferenceBuilder()
        .withApiVersion(HasMetadata.getApiVersion(PiServerPool.class))
        .withKind(HasMetadata.getKind(PiServerPool.class))
        .withName(pool.getMetadata().getName())
        .withUid(pool.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }
}

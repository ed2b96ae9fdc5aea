package io.pipool.simulator.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import java.security.SecureRandom;
import java.util.Optional;

/** Small questions about pods and owners that several simulated controllers ask. */
public final class PodFacts {

  private static final String SUFFIX_CHARS = "bcdfghjklmnpqrstvwxz2456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  private PodFacts() {}

  /** True when the pod's Ready condition is True. */
  public static boolean ready(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** True when the pod is being deleted. */
  public static boolean terminating(HasMetadata o) {
    return o.getMetadata().getDeletionTimestamp() != null;
  }

  /** The controller owner reference, if any. */
  public static Optional<OwnerReference> controller(HasMetadata o) {
    if (o.getMetadata().getOwnerReferences() == null) {
      return Optional.empty();
    }
    return o.getMetadata().getOwnerReferences().stream()
        .filter(r -> Boolean.TRUE.equals(r.getController()))
        .findFirst();
  }

  /** True when {@code o} is controlled by the object with this uid. */
  public static boolean controlledBy(HasMetadata o, String uid) {
    return controller(o).map(r -> r.getUid().equals(uid)).orElse(false);
  }

  /** The pod's phase, "Pending" when unset. */
  public static String phase(Pod pod) {
    return pod.getStatus() == null || pod.getStatus().getPhase() == null
        ? "Pending"
        : pod.getStatus().getPhase();
  }

  /** A generated-name suffix as Kubernetes makes them (five characters, no vowels). */
  public static String suffix() {
    StringBuilder sb = new StringBuilder(5);
    for (int i = 0; i < 5; i++) {
      sb.append(SUFFIX_CHARS.charAt(RANDOM.nextInt(SUFFIX_CHARS.length())));
    }
    return sb.toString();
  }

  /** A controller owner reference to {@code owner}. */
  public static OwnerReference ownerRef(HasMetadata owner) {
    OwnerReference r = new OwnerReference();
    r.setApiVersion(owner.getApiVersion());
    r.setKind(owner.getKind());
    r.setName(owner.getMetadata().getName());
    r.setUid(owner.getMetadata().getUid());
    r.setController(true);
    r.setBlockOwnerDeletion(true);
    return r;
  }
}

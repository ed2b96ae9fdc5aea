package io.pipool.operator.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pipool.operator.model.DesiredState;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Writes an owned object only when its desired content changed: the desired-hash annotation of what
 * is there is compared with the hash of what should be. An unchanged pool costs no write.
 */
final class ResourceApplier {

  /** What happened to one object. */
  enum Outcome {
    UNCHANGED,
    CREATED,
    UPDATED
  }

  private final KubernetesClient client;

  ResourceApplier(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Creates or replaces {@code desired} unless {@code actual} already carries its hash.
   *
   * @param actual the object as cached by the informer, null when absent
   * @return what was done and the object as the API server returned it (or actual)
   */
  <T extends HasMetadata> Result<T> apply(T desired, T actual) {
    if (actual == null) {
      try {
        return new Result<>(Outcome.CREATED, client.resource(desired).create());
      } catch (KubernetesClientException e) {
        // the informer had not seen it yet: compare with the stored object instead
        actual = e.getCode() == 409 ? client.resource(desired).get() : null;
        if (actual == null) {
          throw e;
        }
      }
    }
    if (Objects.equals(DesiredState.hashOf(actual), DesiredState.hashOf(desired))) {
      return new Result<>(Outcome.UNCHANGED, actual);
    }
    T update = merge(desired, actual);
    return new Result<>(Outcome.UPDATED, client.resource(update).update());
  }

  /**
   * Desired content on top of what others added: their labels and annotations stay, and a Service
   * keeps the addresses and node ports the cluster allocated.
   */
  static <T extends HasMetadata> T merge(T desired, T actual) {
    desired.getMetadata().setResourceVersion(actual.getMetadata().getResourceVersion());
    desired
        .getMetadata()
        .setLabels(union(actual.getMetadata().getLabels(), desired.getMetadata().getLabels()));
    desired
        .getMetadata()
        .setAnnotations(
            union(actual.getMetadata().getAnnotations(), desired.getMetadata().getAnnotations()));
    if (desired instanceof Service want
        && actual instanceof Service have
        && have.getSpec() != null) {
      want.getSpec().setClusterIP(have.getSpec().getClusterIP());
      want.getSpec().setClusterIPs(have.getSpec().getClusterIPs());
      want.getSpec().setIpFamilies(have.getSpec().getIpFamilies());
      want.getSpec().setIpFamilyPolicy(have.getSpec().getIpFamilyPolicy());
      if (!"ClusterIP".equals(want.getSpec().getType()) && have.getSpec().getPorts() != null) {
        for (ServicePort port : want.getSpec().getPorts()) {
          if (port.getNodePort() == null) {
            have.getSpec().getPorts().stream()
                .filter(p -> Objects.equals(p.getName(), port.getName()))
                .map(ServicePort::getNodePort)
                .filter(Objects::nonNull)
                .findFirst()
                .ifPresent(port::setNodePort);
          }
        }
      }
    }
    return desired;
  }

  private static Map<String, String> union(Map<String, String> theirs, Map<String, String> ours) {
    Map<String, String> out = new LinkedHashMap<>();
    if (theirs != null) {
      out.putAll(theirs);
    }
    if (ours != null) {
      out.putAll(ours);
    }
    return out;
  }

  /** Outcome plus the object to put in the informer cache. */
  record Result<T extends HasMetadata>(Outcome outcome, T object) {}
}

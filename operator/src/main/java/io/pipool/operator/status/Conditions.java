package io.pipool.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The one place conditions are set: lastTransitionTime moves only when the status changes. */
public final class Conditions {

  public static final String READY = "Ready";
  public static final String VALID = "Valid";
  public static final String SYSCTLS_APPLIED = "SysctlsApplied";
  public static final String SCALING_ACTIVE = "ScalingActive";
  public static final String SCALING_LIMITED = "ScalingLimited";
  public static final String THERMAL_THROTTLING = "ThermalThrottling";

  /** Order in which conditions are listed, so equal sets compare equal. */
  static final List<String> ORDER =
      List.of(READY, VALID, SYSCTLS_APPLIED, SCALING_ACTIVE, SCALING_LIMITED, THERMAL_THROTTLING);

  private Conditions() {}

  /**
   * Returns a new list with the condition set.
   *
   * @param existing the current conditions (not modified)
   * @param status "True", "False" or "Unknown"
   */
  public static List<Condition> set(
      List<Condition> existing,
      String type,
      String status,
      String reason,
      String message,
      Long observedGeneration,
      Instant now) {
    Optional<Condition> old = find(existing, type);
    String since =
        old.filter(c -> status.equals(c.getStatus()) && c.getLastTransitionTime() != null)
            .map(Condition::getLastTransitionTime)
            .orElse(now.toString());
    Condition updated =
        new ConditionBuilder()
            .withType(type)
            .withStatus(status)
            .withReason(reason)
            .withMessage(message == null ? "" : message)
            .withObservedGeneration(observedGeneration)
            .withLastTransitionTime(since)
            .build();
    List<Condition> out = new ArrayList<>();
    if (existing != null) {
      existing.stream().filter(c -> !type.equals(c.getType())).forEach(out::add);
    }
    out.add(updated);
    out.sort(
        java.util.Comparator.comparingInt(
                (Condition c) ->
                    ORDER.indexOf(c.getType()) < 0 ? ORDER.size() : ORDER.indexOf(c.getType()))
            .thenComparing(Condition::getType));
    return out;
  }

  /** The condition of that type, if present. */
  public static Optional<Condition> find(List<Condition> conditions, String type) {
    return conditions == null
        ? Optional.empty()
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  /** True when the condition is present with status True. */
  public static boolean isTrue(List<Condition> conditions, String type) {
    return find(conditions, type).map(c -> "True".equals(c.getStatus())).orElse(false);
  }
}

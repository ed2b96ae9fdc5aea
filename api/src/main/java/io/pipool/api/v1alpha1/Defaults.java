package io.pipool.api.v1alpha1;

/**
 * Every autoscaling and thermal default of a PiServerPool, written once: the CRD's {@code @Default}
 * annotations, the spec's initialisers, the operator and the autoscaler all read these. Plain
 * constants, so the pure autoscaler can use them without the Kubernetes model.
 */
public final class Defaults {

  /** spec.replicas. */
  public static final int REPLICAS = 1;

  /** spec.autoscaling.minReplicas. */
  public static final int MIN_REPLICAS = 1;

  /** Connections one serving node should carry (the Connections metric's target). */
  public static final int TARGET_CONNECTIONS = 3000;

  /** Requests per second one serving node should carry (the RequestsPerSecond metric's target). */
  public static final int TARGET_REQUESTS_PER_SECOND = 100;

  /** spec.autoscaling.tolerance: no scaling while within 10% of a target. */
  public static final double TOLERANCE = 0.1;

  /** The same, as the CRD's default text. */
  public static final String TOLERANCE_TEXT = "0.1";

  /** spec.autoscaling.pollIntervalSeconds. */
  public static final int POLL_INTERVAL_SECONDS = 10;

  /** scaleUp.stabilizationWindowSeconds (the HPA's). */
  public static final int SCALE_UP_WINDOW_SECONDS = 0;

  /** scaleDown.stabilizationWindowSeconds (the HPA's). */
  public static final int SCALE_DOWN_WINDOW_SECONDS = 300;

  /** Period of the HPA's default rate policies. */
  public static final int RATE_PERIOD_SECONDS = 15;

  /** The HPA's default scale-up policies: +100% or ... */
  public static final int SCALE_UP_PERCENT = 100;

  /** ... +4 nodes per period, whichever is more. */
  public static final int SCALE_UP_PODS = 4;

  /** The HPA's default scale-down policy: -100% per period. */
  public static final int SCALE_DOWN_PERCENT = 100;

  /** spec.thermal.drainCelsius: a node at or above leaves rotation. */
  public static final int DRAIN_CELSIUS = 75;

  /** spec.thermal.resumeCelsius: a drained node returns only below. */
  public static final int RESUME_CELSIUS = 65;

  /** spec.thermal.criticalCelsius: the agent sheds load by itself at or above. */
  public static final int CRITICAL_CELSIUS = 80;

  /** spec.thermal.treatThrottledAsHot. */
  public static final boolean TREAT_THROTTLED_AS_HOT = true;

  /** Bounds shared by the schema ({@code @Min/@Max}) and the validator. */
  public static final int MAX_POLL_INTERVAL_SECONDS = 300;

  /** Longest stabilization window. */
  public static final int MAX_WINDOW_SECONDS = 3600;

  /** Longest rate-policy period. */
  public static final int MAX_PERIOD_SECONDS = 1800;

  /** How many metrics a pool may list (one per kind). */
  public static final int MAX_METRICS = 2;

  private Defaults() {}
}

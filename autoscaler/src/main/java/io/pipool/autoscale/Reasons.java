package io.pipool.autoscale;

/** Condition types, condition reasons and event reasons the autoscaler reports. */
public final class Reasons {

  public static final String SCALING_ACTIVE = "ScalingActive";
  public static final String SCALING_LIMITED = "ScalingLimited";
  public static final String THERMAL_THROTTLING = "ThermalThrottling";

  public static final String VALID_METRIC_FOUND = "ValidMetricFound";
  public static final String FAILED_GET_METRICS = "FailedGetMetrics";
  public static final String SCALING_DISABLED = "ScalingDisabled";

  public static final String TOO_MANY_REPLICAS = "TooManyReplicas";
  public static final String TOO_FEW_REPLICAS = "TooFewReplicas";
  public static final String THERMAL_CAPACITY = "ThermalCapacity";
  public static final String NOT_ENOUGH_NODES = "NotEnoughNodes";
  public static final String SCALE_UP_LIMIT = "ScaleUpLimit";
  public static final String SCALE_DOWN_LIMIT = "ScaleDownLimit";
  public static final String DESIRED_WITHIN_RANGE = "DesiredWithinRange";

  public static final String HOT_NODES = "HotNodes";
  public static final String NO_HOT_NODES = "NoHotNodes";

  public static final String SCALED_UP = "ScaledUp";
  public static final String SCALED_DOWN = "ScaledDown";
  public static final String NODE_DRAINED = "NodeDrained";
  public static final String NODE_HOT = "NodeHot";
  public static final String NODE_RESUMED = "NodeResumed";
  public static final String NODE_UNREACHABLE = "NodeUnreachable";
  public static final String NODE_NOT_READY = "NodeNotReady";

  /**
   * The first words of a node's reason when a scale move (not a replacement) put it in or out of
   * rotation. For people only: the rate policies read the stored {@link ScaleMove}s.
   */
  static final String NODE_SCALED_UP = "scaled up";

  static final String NODE_SCALED_DOWN = "scaled down";

  private Reasons() {}
}

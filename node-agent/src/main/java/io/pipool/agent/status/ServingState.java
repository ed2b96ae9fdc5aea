package io.pipool.agent.status;

import io.pipool.api.agent.AgentStatus.ServingMode;

/**
 * What the agent should do with traffic, from its inputs: draining beats shedding beats the
 * operator's label. Ready only while Serving.
 *
 * @param mode the resulting mode
 * @param reason a few words on why
 */
public record ServingState(ServingMode mode, String reason) {

  /** Combines the inputs. */
  public static ServingState of(
      boolean draining, boolean shedding, String shedReason, boolean labelServing, String source) {
    if (draining) {
      return new ServingState(ServingMode.Draining, "shutting down");
    }
    if (shedding) {
      return new ServingState(ServingMode.Shedding, shedReason);
    }
    return labelServing
        ? new ServingState(ServingMode.Serving, source)
        : new ServingState(ServingMode.Standby, source);
  }

  /** True when load balancers should send traffic. */
  public boolean ready() {
    return mode == ServingMode.Serving;
  }

  /**
   * True when the pod is fit to serve if asked: Serving or Standby, not shedding or shutting down.
   * Kubernetes' readiness probe uses this, so a standby pod counts as available and a DaemonSet
   * rolling update is not blocked by nodes the operator keeps out of rotation.
   */
  public boolean podReady() {
    return mode == ServingMode.Serving || mode == ServingMode.Standby;
  }
}

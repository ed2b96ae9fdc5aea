package io.pipool.simulator.cluster;

import java.util.List;

/** What starting a pod came to; the kubelet's loop turns it into the pod's next state. */
sealed interface StartOutcome {

  /** The agent runs. */
  record Started(AgentLauncher.RunningAgent agent, List<String> inits, String container)
      implements StartOutcome {}

  /**
   * A step before the agent failed (a container the simulator cannot run, a missing ConfigMap, an
   * init step's non-zero exit): the pod stays Pending and is tried again after a back-off.
   */
  record InitFailed(String container, List<String> containers, String message)
      implements StartOutcome {}

  /** The agent did not start: CrashLoopBackOff, tried again after a back-off. */
  record AgentFailed(List<String> inits, String container, String message)
      implements StartOutcome {}

  /** A one-shot pod's command ended. */
  record Finished(String container, boolean succeeded, String message) implements StartOutcome {}
}

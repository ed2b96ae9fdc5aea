package io.pipool.operator.status;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.pipool.api.agent.AgentStatus;
import io.pipool.autoscale.Decision;
import io.pipool.operator.poll.PollResult;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * Everything a status is built from, gathered by the reconciler.
 *
 * @param daemonSet the agent DaemonSet as the API server has it, null before it exists
 * @param pods agent pods by node
 * @param latest latest poll result per node
 * @param lastGood when each node last answered
 * @param statuses the last valid document per node
 * @param decision the autoscaler's decision
 * @param serving nodes labelled serving after this reconcile acted
 * @param dryRun decisions are only reported
 * @param now the operator's clock
 */
public record PoolObservation(
    DaemonSet daemonSet,
    Map<String, Pod> pods,
    Map<String, PollResult> latest,
    Map<String, Instant> lastGood,
    Map<String, AgentStatus> statuses,
    Decision decision,
    Set<String> serving,
    boolean dryRun,
    Instant now) {}

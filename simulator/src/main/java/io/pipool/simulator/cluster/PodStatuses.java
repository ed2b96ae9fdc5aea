package io.pipool.simulator.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pod status documents the simulated kubelet writes (as JSON merge patches of the status
 * subresource, so labels written by the operator are never touched).
 */
public final class PodStatuses {

  private static final ObjectMapper JSON = new ObjectMapper();

  private PodStatuses() {}

  /** Init step failed: the pod stays Pending and will be retried. */
  public static String initFailed(
      String initContainer, List<String> containers, String message, Instant now, String ip) {
    Map<String, Object> status = base("Pending", ip, now);
    status.put("conditions", conditions(false, false, now));
    status.put(
        "initContainerStatuses",
        List.of(
            container(
                initContainer,
                false,
                Map.of(
                    "terminated",
                    Map.of(
                        "exitCode",
                        1,
                        "reason",
                        "Error",
                        "message",
                        message,
                        "finishedAt",
                        now.toString())))));
    List<Object> waiting = new ArrayList<>();
    for (String c : containers) {
      waiting.add(container(c, false, Map.of("waiting", Map.of("reason", "PodInitializing"))));
    }
    status.put("containerStatuses", waiting);
    status.put("message", message);
    return patch(status);
  }

  /** The agent could not start: CrashLoopBackOff with the reason. */
  public static String crashLooping(
      List<String> initContainers, String container, String message, Instant now, String ip) {
    Map<String, Object> status = base("Running", ip, now);
    status.put("conditions", conditions(true, false, now));
    status.put("initContainerStatuses", completed(initContainers, now));
    status.put(
        "containerStatuses",
        List.of(
            container(
                container,
                false,
                Map.of("waiting", Map.of("reason", "CrashLoopBackOff", "message", message)))));
    status.put("message", message);
    return patch(status);
  }

  /** The agent runs; {@code ready} mirrors its readiness probe (/readyz/pod). */
  public static String running(
      List<String> initContainers, String container, boolean ready, Instant startedAt, String ip) {
    Map<String, Object> status = base("Running", ip, startedAt);
    status.put("conditions", conditions(true, ready, startedAt));
    status.put("initContainerStatuses", completed(initContainers, startedAt));
    Map<String, Object> c =
        container(container, ready, Map.of("running", Map.of("startedAt", startedAt.toString())));
    c.put("started", true);
    status.put("containerStatuses", List.of(c));
    status.put("message", null);
    return patch(status);
  }

  /** A one-shot pod (a restore Job's) finished. */
  public static String finished(
      String container, boolean succeeded, String message, Instant now, String ip) {
    Map<String, Object> status = base(succeeded ? "Succeeded" : "Failed", ip, now);
    status.put("conditions", conditions(true, false, now));
    Map<String, Object> terminated = new LinkedHashMap<>();
    terminated.put("exitCode", succeeded ? 0 : 1);
    terminated.put("reason", succeeded ? "Completed" : "Error");
    terminated.put("message", message);
    terminated.put("finishedAt", now.toString());
    status.put(
        "containerStatuses",
        List.of(container(container, false, Map.of("terminated", terminated))));
    status.put("message", succeeded ? null : message);
    return patch(status);
  }

  private static Map<String, Object> base(String phase, String ip, Instant start) {
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("phase", phase);
    status.put("hostIP", ip);
    status.put("podIP", ip);
    status.put("podIPs", List.of(Map.of("ip", ip)));
    status.put("startTime", start.toString());
    return status;
  }

  private static List<Object> completed(List<String> names, Instant at) {
    List<Object> out = new ArrayList<>();
    for (String n : names) {
      out.add(
          container(
              n,
              false,
              Map.of(
                  "terminated",
                  Map.of("exitCode", 0, "reason", "Completed", "finishedAt", at.toString()))));
    }
    return out;
  }

  private static Map<String, Object> container(String name, boolean ready, Map<String, ?> state) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("name", name);
    c.put("ready", ready);
    c.put("restartCount", 0);
    c.put("image", "pi-pool-agent (simulated)");
    c.put("imageID", "");
    c.put("state", state);
    return c;
  }

  private static List<Object> conditions(boolean initialized, boolean ready, Instant at) {
    String t = at.toString();
    return List.of(
        cond("PodScheduled", true, t),
        cond("Initialized", initialized, t),
        cond("ContainersReady", ready, t),
        cond("Ready", ready, t));
  }

  private static Map<String, Object> cond(String type, boolean status, String at) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("type", type);
    c.put("status", status ? "True" : "False");
    c.put("lastTransitionTime", at);
    return c;
  }

  private static String patch(Map<String, Object> status) {
    try {
      return JSON.writeValueAsString(Map.of("status", status));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}

package io.pipool.simulator.cluster;

import io.pipool.simulator.node.SimNode;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which pod holds each simulated node. Agent pods use the host network, so a node runs one pod's
 * agent at a time: a replacement waits until its predecessor has stopped. Not thread-safe: the
 * kubelet's loop thread owns it.
 */
final class NodeHolders {

  private final Map<String, String> holders = new HashMap<>();

  /** Takes {@code node} for pod {@code uid}; false while another pod holds it. */
  boolean hold(SimNode node, String uid) {
    return uid.equals(holders.computeIfAbsent(node.name(), n -> uid));
  }

  /** Gives the node back, if {@code uid} holds it. */
  void release(SimNode node, String uid) {
    holders.remove(node.name(), uid);
  }

  /** The pod holding {@code node}, if any. */
  Optional<String> holder(String node) {
    return Optional.ofNullable(holders.get(node));
  }
}

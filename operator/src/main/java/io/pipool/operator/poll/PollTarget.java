package io.pipool.operator.poll;

/**
 * One agent to read.
 *
 * @param node node name
 * @param pod agent pod name
 * @param ip pod IP (the node's address: the agent uses host network)
 * @param port admin port
 */
public record PollTarget(String node, String pod, String ip, int port) {

  /** The /v1/status URL, with IPv6 addresses in brackets. */
  public String url() {
    String host = ip.contains(":") ? "[" + ip + "]" : ip;
    return "http://" + host + ":" + port + "/v1/status";
  }
}

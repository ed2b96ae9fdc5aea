package io.pipool.autoscale;

/**
 * What one node carried in its latest valid sample. A null value is unknown (no answer, or an agent
 * that does not report it), never zero load.
 *
 * @param connections connections open now
 * @param requestsPerSecond requests per second over the agent's last few seconds
 */
public record Load(Long connections, Double requestsPerSecond) {

  /** Nothing known: the agent has not answered. */
  public static final Load UNKNOWN = new Load(null, null);

  /** Connections only, for callers that know no request rate. */
  public static Load connections(long connections) {
    return new Load(connections, null);
  }
}

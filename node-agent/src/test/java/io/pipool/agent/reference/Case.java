package io.pipool.agent.reference;

import org.assertj.core.api.SoftAssertions;

/**
 * One hostile case of the catalogue, run against every server under test.
 *
 * @param id short name, as in the table
 * @param issueClass the class of the issue it belongs to (backpressure, framing, ...)
 * @param what what the client does
 * @param proxy whether it targets the reverse proxy (the fresh request then goes through it too)
 * @param marker text that must never reach the upstream (null: the case does not look)
 * @param probe what the client does, and what it saw
 * @param target what the issue demands of the agent beyond the comparison with nginx
 * @param underOpenFileLimit run against the agent in a child JVM under a 400-descriptor limit
 *     ({@link io.pipool.agent.support.ChildAgent}) rather than in-process
 */
record Case(
    String id,
    String issueClass,
    String what,
    boolean proxy,
    String marker,
    Probe probe,
    Target target,
    boolean underOpenFileLimit) {

  /** A case run against the in-process agents. */
  Case(
      String id,
      String issueClass,
      String what,
      boolean proxy,
      String marker,
      Probe probe,
      Target target) {
    this(id, issueClass, what, proxy, marker, probe, target, false);
  }

  /** The misbehaving client against one server. */
  @FunctionalInterface
  interface Probe {
    Outcome run(UnderTest server) throws Exception;
  }

  /** Assertions on the agent's outcome (nginx's given for comparison). */
  @FunctionalInterface
  interface Target {
    void check(SoftAssertions soft, Outcome agent, Outcome nginx);
  }

  @Override
  public String toString() {
    return id + ": " + what;
  }
}

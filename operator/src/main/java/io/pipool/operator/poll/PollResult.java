package io.pipool.operator.poll;

import io.pipool.api.agent.AgentStatus;
import java.time.Instant;

/**
 * The outcome of reading one agent.
 *
 * @param target who was asked
 * @param at when the answer (or the failure) arrived
 * @param status the document, null when the poll failed
 * @param error why the poll failed (timeout, HTTP 500, bad JSON...), null when it worked
 */
public record PollResult(PollTarget target, Instant at, AgentStatus status, String error) {

  /** True when the agent gave a valid answer. */
  public boolean ok() {
    return status != null;
  }
}

package io.pipool.autoscale;

import io.pipool.autoscale.Decision.ConditionResult;
import io.pipool.autoscale.Decision.Event;
import java.util.List;

/** Small lookups on a decision for assertions. */
final class Checks {

  private Checks() {}

  static ConditionResult condition(Decision d, String type) {
    return d.conditions().stream().filter(c -> c.type().equals(type)).findFirst().orElseThrow();
  }

  static List<String> messages(Decision d, String reason) {
    return d.events().stream().filter(e -> e.reason().equals(reason)).map(Event::message).toList();
  }

  static List<String> reasons(Decision d) {
    return d.events().stream().map(Event::reason).toList();
  }
}

package io.pipool.agent.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdminSlotsTest {

  private final List<String> closed = new ArrayList<>();
  private final AdminSlots<String> slots = new AdminSlots<>(4, 2, closed::add);

  @Test
  void aSourceAtItsCapLosesItsOwnLeastRecentlyUsedConnection() {
    assertThat(slots.accept("a1", "a")).isTrue();
    assertThat(slots.accept("a2", "a")).isTrue();
    slots.busy("a1");
    slots.idle("a1"); // a1 used last: a2 is now the least recently used
    assertThat(slots.accept("a3", "a")).isTrue();
    assertThat(closed).containsExactly("a2");
    assertThat(slots.size()).isEqualTo(2);
  }

  @Test
  void whenFullTheHeaviestSourceLosesAndASingleConnectionIsKept() {
    slots.accept("front", "f");
    slots.accept("a1", "a");
    slots.accept("a2", "a");
    slots.accept("b1", "b");
    assertThat(slots.accept("c1", "c")).isTrue();
    assertThat(closed).containsExactly("a1");
    assertThat(slots.size()).isEqualTo(4);
  }

  @Test
  void connectionsWithARequestInFlightAreNotTakenAndOnlyThenIsANewcomerRefused() {
    for (String c : List.of("a1", "b1", "c1", "d1")) {
      slots.accept(c, c.substring(0, 1));
      slots.busy(c);
    }
    assertThat(slots.accept("e1", "e")).isFalse();
    assertThat(closed).containsExactly("e1");
    slots.idle("c1");
    assertThat(slots.accept("e2", "e")).isTrue();
    assertThat(closed).containsExactly("e1", "c1");
  }

  @Test
  void aClosedConnectionFreesItsSlotAndItsSourcesShare() {
    slots.accept("a1", "a");
    slots.accept("a2", "a");
    slots.closed("a1");
    slots.closed("a1"); // its close handler after an eviction: no effect
    assertThat(slots.accept("a3", "a")).isTrue();
    assertThat(closed).isEmpty();
    assertThat(slots.size()).isEqualTo(2);
  }
}

package io.pipool.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipool.api.v1alpha1.LeaderStatus;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** When a status write tells of a leader change, and what the LeaderChanged Event says. */
class LeadershipTest {

  private static final String T0 = "2026-01-01T00:00:00Z";
  private static final String T1 = "2026-01-01T00:05:00Z";

  @ParameterizedTest(name = "published {0} since {1}, now op-b since {2}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        // a pool this replica writes first (new, or written before leaders were recorded)
        "-    | -  | " + T1 + " | -",
        // the same term: nothing to tell
        "op-b | " + T1 + " | " + T1 + " | -",
        "op-a | "
            + T0
            + " | "
            + T1
            + " | op-b leads since "
            + T1
            + ", taking over from op-a (leading since "
            + T0
            + ")",
        "op-b | "
            + T0
            + " | "
            + T1
            + " | op-b leads since "
            + T1
            + ", taking over from its previous term (leading since "
            + T0
            + ")",
      })
  void aChangeOfReplicaOrTermIsTold(
      String publishedReplica, String publishedSince, String since, String expected) {
    LeaderStatus published =
        publishedReplica == null ? null : new LeaderStatus(publishedReplica, publishedSince);
    String note = Leadership.change(published, new LeaderStatus("op-b", since));
    if (expected == null) {
      assertThat(note).isNull();
    } else {
      assertThat(note).startsWith(expected);
    }
  }
}

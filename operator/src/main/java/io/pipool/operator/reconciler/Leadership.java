package io.pipool.operator.reconciler;

import io.pipool.api.v1alpha1.LeaderStatus;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Which replica this operator is and since when it leads, as the leader election reports it (or
 * from its start, without election); every status it writes carries it, so a failover shows in
 * {@code kubectl describe}.
 */
public final class Leadership {

  private final String replica;
  private final AtomicReference<Instant> since = new AtomicReference<>();

  /** This replica, by the identity it holds the Lease under (its pod name). */
  public Leadership(String replica) {
    this.replica = replica;
  }

  /** This replica took the Lease (or started without election) at {@code at}. */
  public void leading(Instant at) {
    since.set(at);
  }

  /** What the status says about the leader, or null while this replica does not lead. */
  LeaderStatus status() {
    Instant at = since.get();
    return at == null ? null : new LeaderStatus(replica, at.toString());
  }

  /**
   * The Event's note when {@code published} names another leader (or the same replica since another
   * time) than this one, else null: a pool first written by this replica has no story.
   */
  static String change(LeaderStatus published, LeaderStatus now) {
    if (published == null || published.getReplica() == null || now == null) {
      return null;
    }
    boolean same =
        now.getReplica().equals(published.getReplica())
            && now.getSince().equals(published.getSince());
    if (same) {
      return null;
    }
    String before =
        now.getReplica().equals(published.getReplica())
            ? "its previous term (leading since " + published.getSince() + ")"
            : published.getReplica() + " (leading since " + published.getSince() + ")";
    return now.getReplica()
        + " leads since "
        + now.getSince()
        + ", taking over from "
        + before
        + "; the published decision stands until its first poll of the agents answers";
  }
}

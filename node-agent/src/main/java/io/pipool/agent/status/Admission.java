package io.pipool.agent.status;

/**
 * What the agent's state needs of admission control, whoever implements it (the traffic port's
 * connection gate): the counts it reports, and the cap it lowers while shedding and closes while
 * draining.
 */
public interface Admission {

  /** Connections open now. */
  int active();

  /** Connections admitted since start. */
  long total();

  /** Connections refused since start. */
  long rejected();

  /** The current cap. */
  int limit();

  /** The configured cap (after the open-file check). */
  int maxConnections();

  /** Lowers the cap while shedding, restores it after. */
  void shedding(boolean on);

  /** Refuses every new connection from now on. */
  void drain();
}

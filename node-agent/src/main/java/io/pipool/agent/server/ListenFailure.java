package io.pipool.agent.server;

/**
 * A listen that failed, said with the address and port: Netty's own message ("bind(..) failed with
 * error(-98): Address already in use") names neither, and on a node with several listeners and a
 * widened ephemeral range that is exactly what one needs to know.
 */
public final class ListenFailure {

  private ListenFailure() {}

  /** {@code e} as "cannot listen on host:port for what: cause". */
  public static IllegalStateException of(String what, String host, int port, Throwable e) {
    String cause = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new IllegalStateException(
        "cannot listen on " + host + ":" + port + " for " + what + ": " + cause, e);
  }
}

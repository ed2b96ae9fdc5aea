package io.pipool.agent.cli;

/**
 * Installs POSIX signal handlers. A JVM shutdown hook would exit with 143 on SIGTERM; handling the
 * signal itself lets the agent drain and exit 0, as Kubernetes expects of a clean stop.
 */
final class Signals {

  private Signals() {}

  @SuppressWarnings("sunapi")
  static void on(String name, Runnable action) {
    sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> action.run());
  }
}

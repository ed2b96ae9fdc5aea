package io.pipool.simulator.demo;

import java.util.List;

/** The README's first command: {@code bin/demo}. */
public final class Demo {

  private Demo() {}

  /** Entry point; exit 0 when the story ran through. */
  public static void main(String[] args) throws InterruptedException {
    // before any logger exists: the live view is the demo's output, logs only for trouble
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    // status-patch conflicts are retried by the SDK; their stack traces would bury the view
    System.setProperty(
        "org.slf4j.simpleLogger.log.io.javaoperatorsdk.operator.processing.event.EventProcessor",
        "error");
    DemoOptions options;
    try {
      options = DemoOptions.parse(List.of(args), System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    if (options.help()) {
      System.out.print(DemoOptions.USAGE);
      System.exit(0);
    }
    int code = new DemoRun(options, System.out).run();
    System.exit(code);
  }
}

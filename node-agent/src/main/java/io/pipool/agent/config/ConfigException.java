package io.pipool.agent.config;

import java.util.List;

/** Invalid configuration: each problem names the field (or variable) and what is allowed. */
public final class ConfigException extends RuntimeException {

  private final List<String> problems;

  /** A configuration error made of one or more problems. */
  public ConfigException(List<String> problems) {
    super("invalid configuration:\n  - " + String.join("\n  - ", problems));
    this.problems = List.copyOf(problems);
  }

  /** A configuration error with one problem. */
  public ConfigException(String problem) {
    this(List.of(problem));
  }

  /** The individual problems. */
  public List<String> problems() {
    return problems;
  }
}

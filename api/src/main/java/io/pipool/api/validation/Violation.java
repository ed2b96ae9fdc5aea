package io.pipool.api.validation;

/**
 * One problem with a spec.
 *
 * @param path field path, for example spec.thermal.resumeCelsius
 * @param value the offending value as the user wrote it ("(unset)" when missing)
 * @param allowed what would be accepted
 */
public record Violation(String path, String value, String allowed) {

  /** A message a user can act on: the field, what it holds and what it may hold. */
  public String message() {
    return path + ": " + value + " is invalid; allowed: " + allowed;
  }

  @Override
  public String toString() {
    return message();
  }
}

package io.pipool.api.agent;

/**
 * The Raspberry Pi firmware's throttle flags as reported by {@code vcgencmd get_throttled}.
 *
 * @param raw the raw bit field
 * @param underVoltage bit 0: under-voltage detected now
 * @param frequencyCapped bit 1: ARM frequency capped now
 * @param throttled bit 2: currently throttled
 * @param softTemperatureLimit bit 3: soft temperature limit active now
 * @param underVoltageOccurred bit 16: under-voltage has occurred since boot
 * @param frequencyCappedOccurred bit 17: frequency capping has occurred since boot
 * @param throttledOccurred bit 18: throttling has occurred since boot
 * @param softTemperatureLimitOccurred bit 19: soft temperature limit has occurred since boot
 */
public record ThrottleFlags(
    int raw,
    boolean underVoltage,
    boolean frequencyCapped,
    boolean throttled,
    boolean softTemperatureLimit,
    boolean underVoltageOccurred,
    boolean frequencyCappedOccurred,
    boolean throttledOccurred,
    boolean softTemperatureLimitOccurred) {

  /** No flag set. */
  public static final ThrottleFlags NONE = of(0);

  /** Decodes the firmware's bit field. */
  public static ThrottleFlags of(int raw) {
    return new ThrottleFlags(
        raw,
        bit(raw, 0),
        bit(raw, 1),
        bit(raw, 2),
        bit(raw, 3),
        bit(raw, 16),
        bit(raw, 17),
        bit(raw, 18),
        bit(raw, 19));
  }

  /** The raw value as vcgencmd prints it, for example {@code 0x50005}. */
  public String hex() {
    return "0x" + Integer.toHexString(raw);
  }

  /** True when any condition is active now (bits 0-3). */
  public boolean anyNow() {
    return (raw & 0xF) != 0;
  }

  /** True when any condition has occurred since boot (bits 16-19). */
  public boolean anySinceBoot() {
    return (raw & 0xF0000) != 0;
  }

  private static boolean bit(int raw, int n) {
    return (raw & (1 << n)) != 0;
  }
}

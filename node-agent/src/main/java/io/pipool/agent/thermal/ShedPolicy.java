package io.pipool.agent.thermal;

/**
 * Thermal self-protection with hysteresis: shed at or above the critical temperature (or while
 * throttled, when configured), stop shedding only below the recover temperature and unthrottled. An
 * unreadable sensor keeps the current state: missing data neither starts nor ends shedding.
 *
 * @param criticalCelsius shed at or above this
 * @param recoverCelsius recover below this
 * @param treatThrottledAsHot whether active firmware throttling counts as too hot
 */
public record ShedPolicy(
    double criticalCelsius, double recoverCelsius, boolean treatThrottledAsHot) {

  /**
   * The next shedding state.
   *
   * @param shedding whether the agent sheds now
   * @param celsius the latest temperature, null when unknown
   * @param throttledNow whether the firmware reports active throttling (bits 0-3)
   */
  public boolean next(boolean shedding, Double celsius, boolean throttledNow) {
    boolean hotByFlags = treatThrottledAsHot && throttledNow;
    if (hotByFlags || (celsius != null && celsius >= criticalCelsius)) {
      return true;
    }
    if (shedding) {
      return celsius == null || celsius >= recoverCelsius;
    }
    return false;
  }
}

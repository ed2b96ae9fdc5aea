package io.pipool.simulator.thermal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.pipool.api.testing.SteppingClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ThermalModelTest {

  private static final double FULL = 1000;
  private final SteppingClock clock = new SteppingClock();

  private double runFor(ThermalModel model, Duration total, double rps) {
    double t = model.celsius();
    for (Duration done = Duration.ZERO; done.compareTo(total) < 0; done = done.plusSeconds(1)) {
      clock.advance(Duration.ofSeconds(1));
      t = model.step(rps);
    }
    return t;
  }

  @Test
  void anIdleBoardStaysAtItsIdleTemperature() {
    ThermalModel model = new ThermalModel(ThermalProfile.fanless(FULL), clock, 1);
    assertThat(runFor(model, Duration.ofMinutes(10), 0)).isCloseTo(46.0, within(0.01));
  }

  @Test
  void aLoadedFanlessPiClimbsIntoTheEightiesAndCoolsWhenLoadLeaves() {
    ThermalModel model = new ThermalModel(ThermalProfile.fanless(FULL), clock, 1);
    double afterOneMinute = runFor(model, Duration.ofMinutes(1), FULL);
    double afterFifteen = runFor(model, Duration.ofMinutes(14), FULL);
    assertThat(afterOneMinute).isBetween(50.0, 70.0);
    assertThat(afterFifteen).isBetween(80.0, 85.0);
    double cooled = runFor(model, Duration.ofMinutes(15), 0);
    assertThat(cooled).isLessThan(50.0);
  }

  @Test
  void aFanKeepsTheBoardOutOfTheThrottlingRange() {
    ThermalModel fan = new ThermalModel(ThermalProfile.withFan(FULL), clock, 1);
    assertThat(runFor(fan, Duration.ofMinutes(20), FULL)).isBetween(55.0, 60.0);
  }

  @Test
  void theHotCornerRunsHotterThanABareBoardUnderTheSameLoad() {
    ThermalModel bare = new ThermalModel(ThermalProfile.fanless(FULL), clock, 1);
    ThermalModel corner = new ThermalModel(ThermalProfile.hotCorner(FULL), clock, 1);
    for (int i = 0; i < 600; i++) {
      clock.advance(Duration.ofSeconds(1));
      bare.step(800);
      corner.step(800);
    }
    assertThat(corner.celsius() - bare.celsius()).isCloseTo(8.0, within(0.1));
  }

  @Test
  void aSpedUpClockReachesTheSameTemperatureInLessWallTime() {
    ThermalModel real = new ThermalModel(ThermalProfile.fanless(FULL), clock, 1);
    SteppingClock otherClock = new SteppingClock();
    ThermalModel fast = new ThermalModel(ThermalProfile.fanless(FULL), otherClock, 10);
    for (int i = 0; i < 300; i++) {
      clock.advance(Duration.ofSeconds(1));
      real.step(FULL);
    }
    for (int i = 0; i < 30; i++) {
      otherClock.advance(Duration.ofSeconds(1));
      fast.step(FULL);
    }
    assertThat(fast.celsius()).isCloseTo(real.celsius(), within(0.01));
  }

  @Test
  void oneLargeStepNeverOvershootsTheSteadyState() {
    ThermalModel model = new ThermalModel(ThermalProfile.fanless(FULL), clock, 100);
    clock.advance(Duration.ofHours(1));
    assertThat(model.step(FULL)).isCloseTo(84.0, within(0.001));
  }

  @Test
  void extraAmbientHeatPushesAnIdleBoardUpAndGoesAwayWhenRemoved() {
    ThermalModel model = new ThermalModel(ThermalProfile.fanless(FULL), clock, 1);
    model.setExtraAmbient(25);
    assertThat(runFor(model, Duration.ofMinutes(20), 0)).isGreaterThan(70.0);
    model.setExtraAmbient(0);
    assertThat(runFor(model, Duration.ofMinutes(20), 0)).isLessThan(47.0);
  }

  @Test
  void aClockThatDoesNotMoveChangesNothing() {
    ThermalModel model = new ThermalModel(ThermalProfile.fanless(FULL), clock, 1);
    double before = model.celsius();
    assertThat(model.step(FULL)).isEqualTo(before);
  }

  @ParameterizedTest
  @CsvSource({"0, 46", "500, 65", "1000, 84", "5000, 84"})
  void steadyStateFollowsUtilisationAndSaturates(double rps, double expected) {
    assertThat(ThermalProfile.fanless(FULL).steadyStateCelsius(rps, 0))
        .isCloseTo(expected, within(0.001));
  }

  @Test
  void badSettingsAreRefusedWithTheFieldNamed() {
    assertThatThrownBy(() -> new ThermalModel(ThermalProfile.fanless(FULL), clock, 0))
        .hasMessageContaining("speed");
    assertThatThrownBy(() -> ThermalProfile.fanless(0)).hasMessageContaining("fullLoadRps");
  }
}

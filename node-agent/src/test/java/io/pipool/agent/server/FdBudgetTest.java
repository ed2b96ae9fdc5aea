package io.pipool.agent.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipool.agent.support.TestAgents;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FdBudgetTest {

  @TempDir Path dir;

  @Test
  void readsTheSoftOpenFileLimit() {
    Path limits = dir.resolve("limits");
    TestAgents.write(
        limits,
        "Limit                     Soft Limit           Hard Limit           Units     \n"
            + "Max processes             127881               127881               processes \n"
            + "Max open files            1024                 524288               files     \n");
    assertThat(FdBudget.readSoftLimit(limits)).hasValue(1024);
  }

  @Test
  void unlimitedOrMissingIsUnknown() {
    Path limits = dir.resolve("limits");
    TestAgents.write(
        limits, "Max open files            unlimited            unlimited            files\n");
    assertThat(FdBudget.readSoftLimit(limits)).isEmpty();
    assertThat(FdBudget.readSoftLimit(dir.resolve("absent"))).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "4000, 20000, 64, 4000, false",
    "4000, 4064, 64, 4000, false",
    "4000, 1024, 64, 960, true",
    "4000, 10, 64, 1, true"
  })
  void capsBelowTheLimit(int wanted, long limit, int reserve, int expected, boolean warned) {
    FdBudget.Result r = FdBudget.cap(wanted, OptionalLong.of(limit), reserve);
    assertThat(r.maxConnections()).isEqualTo(expected);
    assertThat(r.warning() != null).isEqualTo(warned);
  }

  @Test
  void descriptorsAreTheLimitLessTheReserve() {
    assertThat(FdBudget.descriptors(OptionalLong.of(400), 96)).isEqualTo(304);
    assertThat(FdBudget.descriptors(OptionalLong.of(50), 96)).isEqualTo(1);
    assertThat(FdBudget.descriptors(OptionalLong.empty(), 96)).isEqualTo(Integer.MAX_VALUE);
  }

  @Test
  void unknownLimitKeepsTheWish() {
    assertThat(FdBudget.cap(4000, OptionalLong.empty(), 64).maxConnections()).isEqualTo(4000);
  }
}

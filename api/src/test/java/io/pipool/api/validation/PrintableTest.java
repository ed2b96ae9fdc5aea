package io.pipool.api.validation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PrintableTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "newline           | `a\nb`       | `\"a\\nb\"`",
        "carriage return   | `a\r\nb`     | `\"a\\r\\nb\"`",
        "tab               | `1\t2`       | `\"1\\t2\"`",
        "bell              | `x\u0007`    | `\"x\\u0007\"`",
        "line separator    | `x\u2028y`   | `\"x\\u2028y\"`",
        "backslash         | `a\\nb`      | `\"a\\\\nb\"`",
        "quote             | `say \"hi\"` | `\"say \\\"hi\\\"\"`",
        "plain             | `net.core.x` | `\"net.core.x\"`",
      })
  void quotedTextIsOneUnambiguousLine(String name, String text, String quoted) {
    assertThat(Printable.quote(text)).isEqualTo(quoted).doesNotContain("\n", "\r");
  }
}

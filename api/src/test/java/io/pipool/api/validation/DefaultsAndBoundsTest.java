package io.pipool.api.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.pipool.api.v1alpha1.MetricSpec;
import io.pipool.api.v1alpha1.PiServerPoolSpec;
import io.pipool.api.v1alpha1.ScalingPolicy;
import io.pipool.api.v1alpha1.ScalingRules;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each default and bound is written once: the CRD's {@code @Default} agrees with the field's
 * initialiser, and the validator refuses exactly what the schema's {@code @Min/@Max} refuse.
 */
class DefaultsAndBoundsTest {

  /** One spec section: its path and how to reach (or attach) it in a spec. */
  private record Section(String path, Function<PiServerPoolSpec, Object> in) {

    @Override
    public String toString() {
      return path;
    }
  }

  private static final List<Section> SECTIONS =
      List.of(
          new Section("spec", s -> s),
          new Section("spec.server", PiServerPoolSpec::getServer),
          new Section("spec.sysctls", PiServerPoolSpec::getSysctls),
          new Section("spec.thermal", PiServerPoolSpec::getThermal),
          new Section("spec.autoscaling", PiServerPoolSpec::getAutoscaling),
          new Section("spec.service", PiServerPoolSpec::getService),
          new Section(
              "spec.autoscaling.scaleUp",
              s -> {
                ScalingRules r = new ScalingRules();
                s.getAutoscaling().setScaleUp(r);
                return r;
              }),
          new Section(
              "spec.autoscaling.scaleUp.policies[0]",
              s -> {
                ScalingRules r = new ScalingRules();
                ScalingPolicy p = new ScalingPolicy(ScalingPolicy.Type.Pods, 1, 15);
                r.setPolicies(List.of(p));
                s.getAutoscaling().setScaleUp(r);
                return p;
              }),
          new Section(
              "spec.autoscaling.metrics[0]",
              s -> {
                MetricSpec m = new MetricSpec(MetricSpec.Type.Connections, 100);
                s.getAutoscaling().setMetrics(List.of(m));
                return m;
              }));

  static Stream<Arguments> defaults() {
    List<Arguments> out = new ArrayList<>();
    for (Section section : SECTIONS) {
      Object fresh = section.in().apply(new PiServerPoolSpec());
      for (Field f : fresh.getClass().getDeclaredFields()) {
        if (f.isAnnotationPresent(Default.class)) {
          out.add(Arguments.of(section.path() + "." + f.getName(), fresh, f));
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void defaults(String path, Object fresh, Field field) throws Exception {
    field.setAccessible(true);
    Object initial = field.get(fresh);
    String schema = field.getAnnotation(Default.class).value();

    assertThat(initial).as("%s: the initialiser of a field with @Default", path).isNotNull();
    if (initial instanceof Double d) {
      assertThat(d).as(path).isEqualTo(Double.parseDouble(schema));
    } else if (initial instanceof Enum<?> e) {
      assertThat(e.name()).as(path).isEqualTo(schema);
    } else {
      assertThat(String.valueOf(initial)).as(path).isEqualTo(schema);
    }
  }

  static Stream<Arguments> bounds() {
    List<Arguments> out = new ArrayList<>();
    for (Section section : SECTIONS) {
      Object fresh = section.in().apply(new PiServerPoolSpec());
      for (Field f : fresh.getClass().getDeclaredFields()) {
        if (f.isAnnotationPresent(Min.class)) {
          double min = f.getAnnotation(Min.class).value();
          out.add(Arguments.of(section, f.getName(), min, -1));
        }
        if (f.isAnnotationPresent(Max.class)) {
          double max = f.getAnnotation(Max.class).value();
          out.add(Arguments.of(section, f.getName(), max, +1));
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}.{1}: bound {2}, outside {3}")
  @MethodSource
  void bounds(Section section, String name, double bound, int outside) throws Exception {
    String path = section.path() + "." + name;

    List<Violation> atBound = validateWith(section, name, bound);
    List<Violation> beyond = validateWith(section, name, bound + outside);

    assertThat(beyond)
        .as("the schema refuses %s = %s; so must the validator", path, bound + outside)
        .anyMatch(v -> v.path().equals(path));
    assertThat(atBound)
        .as("the schema admits %s = %s; so must the validator's range", path, bound)
        .noneMatch(v -> v.path().equals(path) && v.allowed().startsWith("a number"));
  }

  /**
   * The validator's own ranges: each bound is 0, 1, Integer.MAX_VALUE (no upper bound) or a {@code
   * Defaults} constant; any other number would be a schema bound typed a second time (the schema's
   * own bounds are read with {@code schemaRange}).
   */
  @Test
  void theValidatorTypesNoBoundOfTheSchemaAgain() throws Exception {
    String source =
        Files.readString(Path.of("src/main/java/io/pipool/api/validation/SpecValidator.java"));
    Matcher call =
        Pattern.compile("\\b(?:range|required)\\(\\s*[^;{]*?,\\s*([^,;]+?),\\s*([^,;]+?)\\);")
            .matcher(source);
    List<String> bounds = new ArrayList<>();
    while (call.find()) {
      bounds.add(call.group(1).strip());
      bounds.add(call.group(2).strip());
    }
    assertThat(bounds).as("the bounds of SpecValidator's range/required calls").isNotEmpty();
    assertThat(bounds)
        .allSatisfy(
            b ->
                assertThat(b)
                    .as("a bound typed in SpecValidator")
                    .matches("0|1|Integer\\.MAX_VALUE|Defaults\\.[A-Z_]+|min|max"));
  }

  private static List<Violation> validateWith(Section section, String name, double value)
      throws Exception {
    PiServerPoolSpec spec = new PiServerPoolSpec();
    Object target = section.in().apply(spec);
    Field f = target.getClass().getDeclaredField(name);
    f.setAccessible(true);
    f.set(target, f.getType() == Double.class ? (Object) value : (Object) (int) value);
    return SpecValidator.validate(spec);
  }
}

package io.pipool.api.crd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.api.validation.SpecValidator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every example in manifests/examples loads into the Java type and passes the generated schema. */
class ExamplesTest {

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static JsonSchema schema;

  @BeforeAll
  static void loadSchema() throws IOException {
    JsonNode crd = YAML.readTree(Files.readString(PublishedCrd.generated()));
    JsonNode openApi =
        crd.path("spec").path("versions").get(0).path("schema").path("openAPIV3Schema");
    schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(openApi);
  }

  static Stream<Path> examples() throws IOException {
    try (Stream<Path> files = Files.list(PublishedCrd.repoRoot().resolve("manifests/examples"))) {
      List<Path> list = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
      assertThat(list).as("examples in manifests/examples").isNotEmpty();
      return list.stream();
    }
  }

  @ParameterizedTest
  @MethodSource("examples")
  void exampleLoadsIntoTheJavaType(Path file) throws IOException {
    PiServerPool pool = YAML.readValue(file.toFile(), PiServerPool.class);
    assertThat(pool.getApiVersion()).isEqualTo("pipool.io/v1alpha1");
    assertThat(pool.getKind()).isEqualTo("PiServerPool");
    assertThat(pool.getMetadata().getName()).isNotBlank();
    assertThat(SpecValidator.validate(pool.getSpec())).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("examples")
  void exampleValidatesAgainstTheGeneratedSchema(Path file) throws IOException {
    assertThat(errors(YAML.readTree(file.toFile()))).isEmpty();
  }

  @Test
  void schemaRejectsAnUnknownModeNamingTheField() throws IOException {
    ObjectNode pool = (ObjectNode) YAML.readTree(examples().findFirst().orElseThrow().toFile());
    ((ObjectNode) pool.with("spec").with("server")).put("mode", "Turbo");
    assertThat(errors(pool)).anySatisfy(m -> assertThat(m).contains("mode").contains("enum"));
  }

  @Test
  void schemaRejectsAnOutOfRangeConnectionCap() throws IOException {
    ObjectNode pool = (ObjectNode) YAML.readTree(examples().findFirst().orElseThrow().toFile());
    ((ObjectNode) pool.with("spec").with("server")).put("maxConnections", 0);
    assertThat(errors(pool)).anySatisfy(m -> assertThat(m).contains("maxConnections"));
  }

  private static Set<String> errors(JsonNode pool) {
    return schema.validate(pool).stream()
        .map(ValidationMessage::getMessage)
        .collect(Collectors.toSet());
  }
}

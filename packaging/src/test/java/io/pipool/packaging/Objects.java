package io.pipool.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The Kubernetes objects of a rendered install (kustomize or Helm output), looked up by kind. */
record Objects(List<JsonNode> all) {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** Parses a multi-document YAML stream; empty documents are skipped. */
  static Objects parse(String yaml) {
    List<JsonNode> out = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      while (it.hasNext()) {
        JsonNode node = it.next();
        if (node != null && node.isObject() && node.has("kind")) {
          out.add(node);
        }
      }
    } catch (IOException e) {
      throw new AssertionError("rendered output is not valid YAML: " + e.getMessage(), e);
    }
    return new Objects(List.copyOf(out));
  }

  List<JsonNode> ofKind(String kind) {
    return all.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
  }

  Optional<JsonNode> find(String kind, String name) {
    return ofKind(kind).stream()
        .filter(o -> name.equals(o.path("metadata").path("name").asText()))
        .findFirst();
  }

  /** The only object of a kind; fails naming the kind when there is none or more than one. */
  JsonNode single(String kind) {
    List<JsonNode> found = ofKind(kind);
    assertThat(found).as("objects of kind " + kind).hasSize(1);
    return found.get(0);
  }

  List<String> kinds() {
    return all.stream().map(o -> o.path("kind").asText()).toList();
  }
}

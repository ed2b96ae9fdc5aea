package io.pipool.packaging;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The instructions of a Dockerfile (continuation lines joined, comments dropped). */
record Dockerfile(List<Instruction> instructions) {

  /** One instruction, e.g. {@code COPY a b}. */
  record Instruction(String keyword, String arguments) {}

  static Dockerfile parse(String text) {
    List<Instruction> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String raw : text.split("\n", -1)) {
      String line = raw.strip();
      if (current.isEmpty() && (line.isEmpty() || line.startsWith("#"))) {
        continue;
      }
      if (line.endsWith("\\")) {
        current.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      current.append(line);
      String joined = current.toString().strip();
      current.setLength(0);
      int space = joined.indexOf(' ');
      out.add(
          new Instruction(
              joined.substring(0, space).toUpperCase(Locale.ROOT),
              joined.substring(space + 1).strip()));
    }
    return new Dockerfile(List.copyOf(out));
  }

  List<String> all(String keyword) {
    return instructions.stream()
        .filter(i -> i.keyword().equals(keyword))
        .map(Instruction::arguments)
        .toList();
  }

  /** The last instruction of a kind (the one Docker uses for USER, ENTRYPOINT, CMD). */
  String last(String keyword) {
    List<String> found = all(keyword);
    if (found.isEmpty()) {
      throw new AssertionError("the Dockerfile has no " + keyword);
    }
    return found.get(found.size() - 1);
  }

  /** An exec-form (JSON array) ENTRYPOINT or CMD; shell form fails, as it would swallow signals. */
  List<String> execForm(String keyword) {
    String args = last(keyword);
    try {
      return new ObjectMapper().readValue(args, new TypeReference<List<String>>() {});
    } catch (IOException e) {
      throw new AssertionError(
          keyword + " must be a JSON array (exec form) so java is PID 1 and gets SIGTERM: " + args,
          e);
    }
  }
}

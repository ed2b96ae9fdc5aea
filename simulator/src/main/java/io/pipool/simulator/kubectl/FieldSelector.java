package io.pipool.simulator.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A Kubernetes field selector ({@code a.b=x,c!=y}) applied to an object's JSON; the API server
 * filters lists and watches with it (kubectl describe finds Events by {@code involvedObject.*},
 * {@code kubectl get KIND NAME -w} watches by {@code metadata.name}).
 */
record FieldSelector(List<Term> terms) {

  /** One term: the dotted field, the value, and whether it must equal or differ. */
  record Term(String field, String value, boolean equal) {}

  /** Parses {@code selector} (null or blank selects everything). */
  static FieldSelector parse(String selector) {
    List<Term> terms = new ArrayList<>();
    if (selector != null && !selector.isBlank()) {
      for (String t : selector.split(",")) {
        int ne = t.indexOf("!=");
        int eq = t.indexOf('=');
        if (ne > 0) {
          terms.add(new Term(t.substring(0, ne).trim(), t.substring(ne + 2).trim(), false));
        } else if (eq > 0) {
          int skip = t.startsWith("==", eq) ? 2 : 1;
          terms.add(new Term(t.substring(0, eq).trim(), t.substring(eq + skip).trim(), true));
        } else {
          throw new IllegalArgumentException(
              "fieldSelector: \""
                  + t
                  + "\" is not allowed; allowed are field=value, field==value and field!=value");
        }
      }
    }
    return new FieldSelector(List.copyOf(terms));
  }

  /** True when {@code object} satisfies every term (a missing field reads as ""). */
  boolean matches(JsonNode object) {
    for (Term t : terms) {
      // the Event field "source" means source.component, as the API server defines it
      String field = t.field().equals("source") ? "source.component" : t.field();
      JsonNode n = object;
      for (String part : field.split("\\.")) {
        n = n.path(part);
      }
      String actual = n.isValueNode() ? n.asText() : "";
      if (actual.equals(t.value()) != t.equal()) {
        return false;
      }
    }
    return true;
  }
}

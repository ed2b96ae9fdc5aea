package io.pipool.agent.sysctl;

import io.pipool.api.sysctl.SysctlRules;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The privileged one-shot steps: apply the desired sysctls (saving the true originals once) and
 * restore the originals. Every write is read back.
 */
public final class SysctlTool {

  /**
   * What a step did.
   *
   * @param changed human-readable lines about what was written
   * @param failures one message per sysctl that does not hold, each naming it
   */
  public record Outcome(List<String> changed, List<String> failures) {

    /** True when every value holds. */
    public boolean ok() {
      return failures.isEmpty();
    }
  }

  private final ProcSys proc;
  private final StateFile state;

  /** Works on {@code proc}, saving originals to {@code state}. */
  public SysctlTool(ProcSys proc, StateFile state) {
    this.proc = proc;
    this.state = state;
  }

  /**
   * Validates every name and value (nothing is written when one is refused), saves originals not
   * saved before, writes, and reads back.
   */
  public Outcome apply(Map<String, String> desired) {
    List<String> refused = SysctlRules.checkAll(desired);
    if (!refused.isEmpty()) {
      return new Outcome(List.of(), refused);
    }
    List<String> failures = new ArrayList<>();
    Map<String, String> originals;
    try {
      originals = new LinkedHashMap<>(state.read().orElseGet(LinkedHashMap::new));
    } catch (IOException e) {
      return new Outcome(
          List.of(), List.of("state file " + state.path() + " cannot be read: " + e.getMessage()));
    }
    boolean added = false;
    for (String name : desired.keySet()) {
      if (originals.containsKey(name)) {
        continue; // never overwrite a true original with a value pi-pool wrote
      }
      try {
        originals.put(name, proc.read(name));
        added = true;
      } catch (IOException e) {
        failures.add("sysctl " + name + ": cannot read " + proc.file(name) + " (" + why(e) + ")");
      }
    }
    if (!failures.isEmpty()) {
      return new Outcome(List.of(), failures);
    }
    if (added) {
      try {
        state.write(originals);
      } catch (IOException e) {
        return new Outcome(
            List.of(),
            List.of("state file " + state.path() + " cannot be written: " + e.getMessage()));
      }
    }
    return writeAll(desired, originals);
  }

  /** Writes the saved originals back and, when all hold, removes the state file. */
  public Outcome restore() {
    Optional<Map<String, String>> originals;
    try {
      originals = state.read();
    } catch (IOException e) {
      return new Outcome(
          List.of(), List.of("state file " + state.path() + " cannot be read: " + e.getMessage()));
    }
    if (originals.isEmpty()) {
      return new Outcome(
          List.of("nothing to restore: no state file at " + state.path()), List.of());
    }
    Map<String, String> current = new LinkedHashMap<>();
    for (String name : originals.get().keySet()) {
      try {
        current.put(name, proc.read(name));
      } catch (IOException e) {
        current.put(name, "unreadable");
      }
    }
    Outcome written = writeAll(originals.get(), current);
    if (written.ok()) {
      try {
        state.delete();
      } catch (IOException e) {
        return new Outcome(
            written.changed(),
            List.of("state file " + state.path() + " cannot be removed: " + e.getMessage()));
      }
    }
    return written;
  }

  private Outcome writeAll(Map<String, String> values, Map<String, String> before) {
    List<String> changed = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    values.forEach(
        (name, value) -> {
          String want = ProcSys.normalise(value);
          try {
            proc.write(name, want);
            String got = proc.read(name);
            if (got.equals(want)) {
              changed.add(name + " = " + want + " (was " + before.get(name) + ")");
            } else {
              failures.add(
                  "sysctl " + name + ": wrote \"" + want + "\" but it reads back \"" + got + "\"");
            }
          } catch (IOException e) {
            failures.add(
                "sysctl " + name + ": cannot write " + proc.file(name) + " (" + why(e) + ")");
          }
        });
    return new Outcome(changed, failures);
  }

  private static String why(IOException e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }
}

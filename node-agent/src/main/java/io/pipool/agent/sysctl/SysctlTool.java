package io.pipool.agent.sysctl;

import io.pipool.api.sysctl.SysctlRules;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;

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

  /** {@link #apply(Map, Collection)} for an agent that listens on no port. */
  public Outcome apply(Map<String, String> desired) {
    return apply(desired, List.of());
  }

  /**
   * Validates every name and value (nothing is written when one is refused), saves originals not
   * saved before, writes, and reads back.
   *
   * <p>When the ephemeral port range written covers one of {@code ports} (the agent's own), those
   * ports are first added to {@code net.ipv4.ip_local_reserved_ports} in the same tree (the same
   * network namespace), keeping what the node reserved already: otherwise any outgoing connection
   * could take a port the agent is about to listen on, and its next start fails with "Address
   * already in use". Restore puts the node's own list back.
   */
  public Outcome apply(Map<String, String> desired, Collection<Integer> ports) {
    List<String> refused = SysctlRules.checkAll(desired);
    if (!refused.isEmpty()) {
      return new Outcome(List.of(), refused);
    }
    SortedSet<Integer> covered = SysctlRules.coveredPorts(desired, ports);
    if (!covered.isEmpty()) {
      String reserved;
      try {
        reserved = proc.read(SysctlRules.RESERVED_PORTS);
      } catch (IOException e) {
        return new Outcome(
            List.of(),
            List.of(
                "sysctl "
                    + SysctlRules.RESERVED_PORTS
                    + ": cannot read "
                    + proc.file(SysctlRules.RESERVED_PORTS)
                    + " to reserve ports "
                    + covered
                    + " that "
                    + SysctlRules.PORT_RANGE
                    + " covers ("
                    + why(e)
                    + ")"));
      }
      // reserve before the range is widened, so there is no moment the ports are up for grabs
      Map<String, String> withReserved = new LinkedHashMap<>();
      withReserved.put(
          SysctlRules.RESERVED_PORTS, SysctlRules.withReservedPorts(reserved, covered));
      withReserved.putAll(desired);
      desired = withReserved;
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

package io.pipool.agent.sysctl;

import io.pipool.api.agent.SysctlReport;
import io.pipool.api.sysctl.SysctlRules;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Read-only comparison of desired and actual sysctls, for the serving process. */
public final class DriftChecker {

  private final ProcSys proc;
  private final StateFile state;

  /** Reads through {@code proc}; originals come from {@code state} when it exists. */
  public DriftChecker(ProcSys proc, StateFile state) {
    this.proc = proc;
    this.state = state;
  }

  /** One report per desired sysctl. */
  public List<SysctlReport> check(Map<String, String> desired) {
    Map<String, String> originals;
    try {
      originals = state.read().orElse(Map.of());
    } catch (IOException e) {
      originals = Map.of();
    }
    List<SysctlReport> out = new ArrayList<>();
    for (Map.Entry<String, String> e : desired.entrySet()) {
      String name = e.getKey();
      String want = ProcSys.normalise(e.getValue());
      String original = originals.get(name);
      var refused = SysctlRules.check(name, want);
      if (refused.isPresent()) {
        out.add(
            new SysctlReport(
                name, want, null, original, SysctlReport.State.Unknown, refused.get()));
        continue;
      }
      try {
        String got = proc.read(name);
        out.add(
            got.equals(want)
                ? new SysctlReport(name, want, got, original, SysctlReport.State.Applied, null)
                : new SysctlReport(
                    name,
                    want,
                    got,
                    original,
                    SysctlReport.State.Drifted,
                    "kernel holds \"" + got + "\", desired \"" + want + "\""));
      } catch (NoSuchFileException missing) {
        out.add(
            new SysctlReport(
                name,
                want,
                null,
                original,
                SysctlReport.State.Missing,
                "no such sysctl: " + proc.file(name)));
      } catch (IOException ex) {
        out.add(
            new SysctlReport(
                name,
                want,
                null,
                original,
                SysctlReport.State.Unknown,
                "cannot read " + proc.file(name) + ": " + ex.getMessage()));
      }
    }
    return out;
  }
}

package io.pipool.simulator.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real kubectl, as a user would, and returns what it printed. */
final class Kubectl {

  private Kubectl() {}

  /**
   * {@code kubectl --kubeconfig kubeconfig args...} (no kubeconfig: none passed); fails on exit !=
   * 0.
   */
  static String run(Path kubeconfig, String... args) {
    List<String> cmd = new ArrayList<>(List.of("kubectl"));
    if (kubeconfig != null) {
      cmd.add("--kubeconfig=" + kubeconfig);
    }
    cmd.addAll(List.of(args));
    try {
      Path errFile = Files.createTempFile("kubectl", ".err");
      Process p = new ProcessBuilder(cmd).redirectError(errFile.toFile()).start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("kubectl " + String.join(" ", args) + " took over 60 s");
      }
      String err = Files.readString(errFile);
      Files.deleteIfExists(errFile);
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", cmd) + " exited " + p.exitValue() + ": " + err);
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot run kubectl (is it installed?): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

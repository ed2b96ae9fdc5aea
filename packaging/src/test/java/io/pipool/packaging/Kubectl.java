package io.pipool.packaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Runs `kubectl kustomize`: the renderer `kubectl apply -k` uses, from Debian's kubectl. */
final class Kubectl {

  private Kubectl() {}

  /** Renders a kustomization; fails (never skips) with what to install when kubectl is missing. */
  static String kustomize(Path dir) {
    Process p;
    try {
      p =
          new ProcessBuilder("kubectl", "kustomize", dir.toString())
              .redirectErrorStream(false)
              .start();
    } catch (IOException e) {
      throw new AssertionError(
          "kubectl is not installed, so `kubectl apply -k manifests/` cannot be checked. Install it"
              + " (Debian: `apt-get install kubectl`; .ci/run does this) and run the tests again. ("
              + e.getMessage()
              + ")",
          e);
    }
    try {
      byte[] out = p.getInputStream().readAllBytes();
      byte[] err = p.getErrorStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("kubectl kustomize " + dir + " did not finish in 60 s");
      }
      if (p.exitValue() != 0) {
        throw new AssertionError(
            "kubectl kustomize "
                + dir
                + " failed (exit "
                + p.exitValue()
                + "): "
                + new String(err, StandardCharsets.UTF_8));
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError("reading kubectl's output failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for kubectl", e);
    }
  }
}

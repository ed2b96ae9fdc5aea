package io.pipool.agent.kube;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Whether a Kubernetes API is configured: an in-cluster service account, or a kubeconfig (the
 * KUBECONFIG variable or ~/.kube/config). Without one the agent runs from its config alone.
 */
public final class ClusterDetector {

  /** The in-cluster service account token. */
  public static final Path SERVICE_ACCOUNT_TOKEN =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");

  private ClusterDetector() {}

  /** True when a client could be configured from this environment. */
  public static boolean configured(Map<String, String> env, Path home, Path token) {
    if (env.containsKey("KUBERNETES_SERVICE_HOST") && Files.isReadable(token)) {
      return true;
    }
    String kubeconfig = env.get("KUBECONFIG");
    if (kubeconfig != null && !kubeconfig.isBlank()) {
      for (String p : kubeconfig.split(java.io.File.pathSeparator)) {
        if (!p.isBlank() && Files.isReadable(Path.of(p))) {
          return true;
        }
      }
      return false;
    }
    return home != null && Files.isReadable(home.resolve(".kube").resolve("config"));
  }
}

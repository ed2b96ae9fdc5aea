package io.pipool.simulator.net;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The agents' kubeconfig inside the network namespace: the cluster's, with the relay's server. */
public final class RelayedKubeconfig {

  private RelayedKubeconfig() {}

  /** The API server URL the kubeconfig's current context points at. */
  public static URI server(Path kubeconfig) {
    try {
      Config c = Config.fromKubeconfig(null, Files.readString(kubeconfig), kubeconfig.toString());
      return URI.create(c.getMasterUrl());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read kubeconfig " + kubeconfig, e);
    }
  }

  /**
   * Writes {@code original} to {@code out} with every cluster's server replaced by {@code
   * https://host:port}; credentials and the certificate authority stay as they are.
   */
  @SuppressWarnings("unchecked")
  public static Path write(Path original, String host, int port, Path out) {
    try {
      Map<String, Object> doc = Serialization.unmarshal(Files.readString(original), Map.class);
      for (Object entry : (List<Object>) doc.getOrDefault("clusters", List.of())) {
        Map<String, Object> cluster =
            (Map<String, Object>) ((Map<String, Object>) entry).get("cluster");
        if (cluster != null) {
          cluster.put("server", "https://" + host + ":" + port);
        }
      }
      Files.writeString(out, Serialization.asYaml(doc));
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + out, e);
    }
  }

  /**
   * Fails with what to do when the API server cannot be reached through {@code kubeconfig}, e.g.
   * because its certificate does not name the relay's address.
   */
  public static void check(Path kubeconfig, String host) {
    try {
      Config c = Config.fromKubeconfig(null, Files.readString(kubeconfig), kubeconfig.toString());
      c.setRequestRetryBackoffLimit(0);
      c.setConnectionTimeout(5000);
      c.setRequestTimeout(5000);
      try (KubernetesClient client = new KubernetesClientBuilder().withConfig(c).build()) {
        client.getKubernetesVersion();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + kubeconfig, e);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "the agents in the network namespace cannot reach the API server through the relay on "
              + host
              + " ("
              + rootCause(e)
              + "); its serving certificate must name IP "
              + host
              + " (bin/control-plane adds it: restart the control plane with bin/control-plane"
              + " down, then up)",
          e);
    }
  }

  private static String rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.toString();
  }
}

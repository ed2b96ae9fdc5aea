package io.pipool.simulator.demo;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What {@code kubectl get endpoints NAME} shows: the ready addresses of a Service. */
public final class ServiceEndpoints {

  private ServiceEndpoints() {}

  /** The Service's ready endpoints as {@code ip:port}, sorted; empty when there are none. */
  public static List<String> of(KubernetesClient client, String namespace, String service) {
    Endpoints e;
    try {
      e = client.endpoints().inNamespace(namespace).withName(service).get();
    } catch (KubernetesClientException ex) {
      return List.of();
    }
    return e == null ? List.of() : readyAddresses(e);
  }

  /** The ready addresses of {@code e} as {@code ip:port}, sorted. */
  public static List<String> readyAddresses(Endpoints e) {
    List<String> out = new ArrayList<>();
    for (EndpointSubset s : Objects.requireNonNullElse(e.getSubsets(), List.<EndpointSubset>of())) {
      List<EndpointPort> ports = Objects.requireNonNullElse(s.getPorts(), List.of());
      for (EndpointAddress a :
          Objects.requireNonNullElse(s.getAddresses(), List.<EndpointAddress>of())) {
        if (ports.isEmpty()) {
          out.add(a.getIp());
        }
        for (EndpointPort p : ports) {
          out.add(a.getIp() + ":" + p.getPort());
        }
      }
    }
    out.sort(null);
    return out;
  }
}

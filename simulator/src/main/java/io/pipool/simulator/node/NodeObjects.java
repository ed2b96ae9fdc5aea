package io.pipool.simulator.node;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;

/** The Node object of a simulated Pi, with the labels and capacity a k3s Pi 4 node shows. */
public final class NodeObjects {

  /** Label on every simulated node, so tooling (and the kubelet part) can tell them apart. */
  public static final String SIMULATED_LABEL = "pipool.io/simulated";

  /** Annotation naming the simulator that owns the node, as kwok does. */
  public static final String OWNER_ANNOTATION = "pipool.io/simulated-by";

  private NodeObjects() {}

  /** The Node for {@code node}. */
  public static Node of(SimNode node) {
    Map<String, Quantity> capacity =
        Map.of(
            "cpu", new Quantity("4"),
            "memory", new Quantity("4Gi"),
            "pods", new Quantity("110"),
            "ephemeral-storage", new Quantity("29Gi"));
    return new NodeBuilder()
        .withNewMetadata()
        .withName(node.name())
        .addToLabels("kubernetes.io/hostname", node.name())
        .addToLabels("kubernetes.io/arch", "arm64")
        .addToLabels("kubernetes.io/os", "linux")
        .addToLabels("beta.kubernetes.io/arch", "arm64")
        .addToLabels("beta.kubernetes.io/os", "linux")
        .addToLabels("node.kubernetes.io/instance-type", "raspberrypi4")
        .addToLabels(SIMULATED_LABEL, "true")
        .addToAnnotations(OWNER_ANNOTATION, "pi-pool-simulator")
        .endMetadata()
        .withNewSpec()
        .withProviderID("pipool-sim://" + node.name())
        .endSpec()
        .withNewStatus()
        .withCapacity(capacity)
        .withAllocatable(capacity)
        .addNewAddress()
        .withType("InternalIP")
        .withAddress(node.address())
        .endAddress()
        .addNewAddress()
        .withType("Hostname")
        .withAddress(node.name())
        .endAddress()
        .addNewCondition()
        .withType("Ready")
        .withStatus("True")
        .withReason("KubeletReady")
        .withMessage("simulated by pi-pool")
        .endCondition()
        .withNewNodeInfo()
        .withArchitecture("arm64")
        .withOperatingSystem("linux")
        .withOsImage("Debian GNU/Linux 12 (bookworm)")
        .withKernelVersion("6.6.51+rpt-rpi-v8")
        .withKubeletVersion("v1.31.4+k3s1")
        .withKubeProxyVersion("v1.31.4+k3s1")
        .withContainerRuntimeVersion("containerd://1.7.23-k3s2")
        .withMachineID(String.format("%032x", node.index()))
        .withSystemUUID(String.format("00000000-0000-0000-0000-%012x", node.index()))
        .withBootID(String.format("00000000-0000-0000-0001-%012x", node.index()))
        .endNodeInfo()
        .endStatus()
        .build();
  }
}

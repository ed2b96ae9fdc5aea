package io.pipool.operator.model;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.pipool.api.agent.AgentVariables;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.api.v1alpha1.PiServerPoolSpec;
import io.pipool.api.v1alpha1.ServerSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The agent DaemonSet of a pool (pure): a privileged init step, an unprivileged server. */
public final class DaemonSetModel {

  public static final String INIT_CONTAINER = "apply-sysctls";

  /**
   * Seconds the kubelet waits before the first readiness probe: the agent's JVM needs a moment to
   * listen, and a probe before that is a "connection refused" warning Event at every start.
   */
  static final int READINESS_DELAY_SECONDS = 3;

  public static final String CONTAINER = "agent";
  public static final long AGENT_UID = 10001L;

  private static final String JAR_CONFIG = "--config";

  private DaemonSetModel() {}

  /** The image a pool runs: its own, or the operator's default. */
  public static String image(PiServerPool pool, String defaultImage) {
    String image = pool.getSpec().getImage();
    return image == null || image.isBlank() ? defaultImage : image;
  }

  /** Hash of everything that must roll the pods when it changes but is not in the template. */
  public static String configHash(PiServerPool pool, String defaultImage) {
    ServerSpec s = server(pool.getSpec());
    return Hashing.sha256(
        AgentConfigModel.yaml(pool.getSpec()),
        image(pool, defaultImage),
        s.getStaticConfigMap(),
        s.getTlsSecret());
  }

  /** The desired DaemonSet. */
  public static DaemonSet daemonSet(PiServerPool pool, String defaultImage) {
    PiServerPoolSpec spec = pool.getSpec();
    String image = image(pool, defaultImage);
    Map<String, String> podLabels = new LinkedHashMap<>(PoolNames.labels(pool));
    // new pods start out of rotation until the operator chooses them
    podLabels.put(PiServerPool.SERVING_LABEL, "false");
    return new DaemonSetBuilder()
        .withMetadata(PoolNames.metadata(pool, PoolNames.agent(pool)))
        .withNewSpec()
        .withNewSelector()
        .withMatchLabels(PoolNames.selector(pool))
        .endSelector()
        .withNewUpdateStrategy()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        // host network: two agents cannot share a node's ports, so one node at a time and never a
        // surge; maxSurge is left to its default (0): Kubernetes before 1.21 has no such field,
        // and server-side apply refuses a field the schema lacks
        .withMaxUnavailable(new IntOrString(1))
        .endRollingUpdate()
        .endUpdateStrategy()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(podLabels)
        .withAnnotations(Map.of(PoolNames.CONFIG_HASH, configHash(pool, defaultImage)))
        .endMetadata()
        .withNewSpec()
        .withServiceAccountName(PoolNames.agent(pool))
        .withHostNetwork(true)
        .withDnsPolicy("ClusterFirstWithHostNet")
        .withNodeSelector(
            spec.getNodeSelector() == null || spec.getNodeSelector().isEmpty()
                ? null
                : new LinkedHashMap<>(spec.getNodeSelector()))
        .withTolerations(
            spec.getTolerations() == null || spec.getTolerations().isEmpty()
                ? null
                : new ArrayList<>(spec.getTolerations()))
        .withTerminationGracePeriodSeconds(30L)
        .withInitContainers(initContainer(image))
        .withContainers(agentContainer(pool, image))
        .withVolumes(volumes(pool))
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /** The privileged one-shot step, shared with the restore Jobs. */
  static Container initContainer(String image) {
    return new ContainerBuilder()
        .withName(INIT_CONTAINER)
        .withImage(image)
        .withImagePullPolicy("IfNotPresent")
        .withArgs("apply-sysctls", JAR_CONFIG, AgentConfigModel.CONFIG_FILE)
        .withEnv(downwardEnv())
        .withSecurityContext(privileged())
        // a JVM: the same ceiling as the server, so the one-shot step is not OOM-killed at start
        .withResources(resources("50m", "64Mi", "1", "192Mi"))
        .withVolumeMounts(privilegedMounts())
        .build();
  }

  static SecurityContext privileged() {
    return new SecurityContextBuilder().withPrivileged(true).withRunAsUser(0L).build();
  }

  static List<VolumeMount> privilegedMounts() {
    return List.of(
        mount("config", AgentConfigModel.CONFIG_DIR, true),
        mount("host-proc-sys", AgentConfigModel.HOST_PROC_SYS, false),
        mount("state", AgentConfigModel.STATE_DIR, false));
  }

  static List<EnvVar> downwardEnv() {
    return List.of(
        fieldEnv(AgentVariables.NODE_NAME, "spec.nodeName"),
        fieldEnv(AgentVariables.POD_NAME, "metadata.name"),
        fieldEnv(AgentVariables.POD_NAMESPACE, "metadata.namespace"),
        // the agent binds its admin port to this address only
        fieldEnv(AgentVariables.POD_IP, "status.podIP"));
  }

  private static Container agentContainer(PiServerPool pool, String image) {
    ServerSpec s = server(pool.getSpec());
    List<VolumeMount> mounts = new ArrayList<>();
    mounts.add(mount("config", AgentConfigModel.CONFIG_DIR, true));
    // read-only views for drift checks and reporting the saved originals
    mounts.add(mount("host-proc-sys", AgentConfigModel.HOST_PROC_SYS, true));
    mounts.add(mount("state", AgentConfigModel.STATE_DIR, true));
    mounts.add(mount("tmp", "/tmp", false));
    if (s.getMode() == ServerSpec.Mode.Static && s.getStaticConfigMap() != null) {
      mounts.add(mount("static", AgentConfigModel.STATIC_DIR, true));
    }
    if (s.getTlsSecret() != null) {
      mounts.add(mount("tls", AgentConfigModel.TLS_DIR, true));
    }
    ResourceRequirements resources =
        pool.getSpec().getResources() != null
            ? pool.getSpec().getResources()
            : resources("100m", "96Mi", "1", "192Mi");
    return new ContainerBuilder()
        .withName(CONTAINER)
        .withImage(image)
        .withImagePullPolicy("IfNotPresent")
        .withArgs("serve", JAR_CONFIG, AgentConfigModel.CONFIG_FILE)
        .withEnv(downwardEnv())
        .withPorts(
            new ContainerPortBuilder()
                .withName("http")
                .withContainerPort(s.getPort())
                .withProtocol("TCP")
                .build(),
            new ContainerPortBuilder()
                .withName("admin")
                .withContainerPort(s.getAdminPort())
                .withProtocol("TCP")
                .build())
        .withLivenessProbe(probe("/healthz", s.getAdminPort(), 10, 6))
        // not /readyz, which mirrors the serving label for external balancers: a standby pod
        // must count as available, or a rolling update would stall on it
        .withReadinessProbe(
            new ProbeBuilder(probe("/readyz/pod", s.getAdminPort(), 5, 1))
                .withInitialDelaySeconds(READINESS_DELAY_SECONDS)
                .build())
        .withResources(resources)
        .withSecurityContext(
            new SecurityContextBuilder()
                .withRunAsNonRoot(true)
                .withRunAsUser(AGENT_UID)
                .withRunAsGroup(AGENT_UID)
                .withAllowPrivilegeEscalation(false)
                .withReadOnlyRootFilesystem(true)
                .withNewCapabilities()
                .withDrop("ALL")
                .endCapabilities()
                .withNewSeccompProfile()
                .withType("RuntimeDefault")
                .endSeccompProfile()
                .build())
        .withVolumeMounts(mounts)
        .build();
  }

  private static List<Volume> volumes(PiServerPool pool) {
    ServerSpec s = server(pool.getSpec());
    List<Volume> volumes = new ArrayList<>();
    volumes.add(
        new VolumeBuilder()
            .withName("config")
            .withNewConfigMap()
            .withName(PoolNames.agent(pool))
            .endConfigMap()
            .build());
    volumes.add(hostPath("host-proc-sys", "/proc/sys", "Directory"));
    volumes.add(hostPath("state", AgentConfigModel.STATE_DIR, "DirectoryOrCreate"));
    volumes.add(
        new VolumeBuilder()
            .withName("tmp")
            .withNewEmptyDir()
            .withSizeLimit(new Quantity("64Mi"))
            .endEmptyDir()
            .build());
    if (s.getMode() == ServerSpec.Mode.Static && s.getStaticConfigMap() != null) {
      volumes.add(
          new VolumeBuilder()
              .withName("static")
              .withNewConfigMap()
              .withName(s.getStaticConfigMap())
              .endConfigMap()
              .build());
    }
    if (s.getTlsSecret() != null) {
      volumes.add(
          new VolumeBuilder()
              .withName("tls")
              .withNewSecret()
              .withSecretName(s.getTlsSecret())
              .endSecret()
              .build());
    }
    return volumes;
  }

  static List<Volume> privilegedVolumes(PiServerPool pool) {
    return volumes(pool).subList(0, 3);
  }

  private static Probe probe(String path, int port, int period, int failures) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath(path)
        .withPort(new IntOrString(port))
        .endHttpGet()
        .withPeriodSeconds(period)
        .withTimeoutSeconds(2)
        .withFailureThreshold(failures)
        .build();
  }

  private static ResourceRequirements resources(
      String cpuRequest, String memRequest, String cpuLimit, String memLimit) {
    return new ResourceRequirementsBuilder()
        .addToRequests("cpu", new Quantity(cpuRequest))
        .addToRequests("memory", new Quantity(memRequest))
        .addToLimits("cpu", new Quantity(cpuLimit))
        .addToLimits("memory", new Quantity(memLimit))
        .build();
  }

  private static VolumeMount mount(String name, String path, boolean readOnly) {
    return new VolumeMountBuilder()
        .withName(name)
        .withMountPath(path)
        .withReadOnly(readOnly ? true : null)
        .build();
  }

  private static Volume hostPath(String name, String path, String type) {
    return new VolumeBuilder()
        .withName(name)
        .withNewHostPath()
        .withPath(path)
        .withType(type)
        .endHostPath()
        .build();
  }

  private static EnvVar fieldEnv(String name, String fieldPath) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewFieldRef()
        .withFieldPath(fieldPath)
        .endFieldRef()
        .endValueFrom()
        .build();
  }

  private static ServerSpec server(PiServerPoolSpec spec) {
    return spec.getServer() == null ? new ServerSpec() : spec.getServer();
  }
}

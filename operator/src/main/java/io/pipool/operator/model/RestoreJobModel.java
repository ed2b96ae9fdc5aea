package io.pipool.operator.model;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.pipool.api.v1alpha1.PiServerPool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Locale;

/** The one-shot Job that puts a node's original sysctls back when its pool is deleted (pure). */
public final class RestoreJobModel {

  public static final String CONTAINER = "restore-sysctls";
  private static final int MAX_NAME = 63;

  private RestoreJobModel() {}

  /** Job name for a node: {@code <pool>-restore-<node>}, shortened with a hash when too long. */
  public static String name(PiServerPool pool, String node) {
    String base =
        (pool.getMetadata().getName() + "-restore-" + node)
            .toLowerCase(Locale.ROOT)
            .replaceAll("[^a-z0-9-]", "-");
    if (base.length() <= MAX_NAME) {
      return base;
    }
    String hash = Hashing.sha256(base).substring(0, 8);
    String head = base.substring(0, MAX_NAME - hash.length() - 1).replaceAll("-+$", "");
    return head + "-" + hash;
  }

  /** A privileged Job pinned to the node, running the agent image's restore-sysctls. */
  public static Job job(PiServerPool pool, String node, String defaultImage, Duration timeout) {
    ObjectMeta meta = PoolNames.metadata(pool, name(pool, node));
    meta.getLabels().put(PoolNames.RESTORE_NODE_LABEL, labelSafe(node));
    meta.setAnnotations(new java.util.LinkedHashMap<>());
    meta.getAnnotations().put(PoolNames.RESTORE_NODE_LABEL, node);
    String image = DaemonSetModel.image(pool, defaultImage);
    return new JobBuilder()
        .withMetadata(meta)
        .withNewSpec()
        .withBackoffLimit(2)
        .withActiveDeadlineSeconds(Math.max(1L, timeout.toSeconds()))
        .withTtlSecondsAfterFinished(600)
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(PoolNames.labels(pool))
        .endMetadata()
        .withNewSpec()
        .withNodeName(node)
        .withRestartPolicy("Never")
        .withHostNetwork(true)
        .withTolerations(
            pool.getSpec().getTolerations() == null
                ? null
                : new ArrayList<>(pool.getSpec().getTolerations()))
        .withContainers(
            new ContainerBuilder()
                .withName(CONTAINER)
                .withImage(image)
                .withImagePullPolicy("IfNotPresent")
                .withArgs("restore-sysctls", "--config", AgentConfigModel.CONFIG_FILE)
                .withEnv(DaemonSetModel.downwardEnv())
                .withSecurityContext(DaemonSetModel.privileged())
                .withVolumeMounts(DaemonSetModel.privilegedMounts())
                .build())
        .withVolumes(DaemonSetModel.privilegedVolumes(pool))
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /** The node a restore Job is for. */
  public static String node(Job job) {
    var annotations = job.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(PoolNames.RESTORE_NODE_LABEL);
  }

  private static String labelSafe(String node) {
    String v = node.replaceAll("[^A-Za-z0-9_.-]", "-");
    if (v.length() > MAX_NAME) {
      v = v.substring(0, MAX_NAME - 9) + "-" + Hashing.sha256(node).substring(0, 8);
    }
    return v.replaceAll("^[^A-Za-z0-9]+|[^A-Za-z0-9]+$", "");
  }
}

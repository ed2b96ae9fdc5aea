package io.pipool.operator.model;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.api.v1alpha1.ServerSpec;
import io.pipool.api.v1alpha1.ServiceSpec;
import java.util.Map;

/** Desired ConfigMap, ServiceAccount, Role, RoleBinding and Service of a pool (pure). */
public final class AgentResources {

  private AgentResources() {}

  /** The agent's configuration, key agent.yaml. */
  public static ConfigMap configMap(PiServerPool pool) {
    return new ConfigMapBuilder()
        .withMetadata(PoolNames.metadata(pool, PoolNames.agent(pool)))
        .withData(Map.of(PoolNames.AGENT_YAML, AgentConfigModel.yaml(pool.getSpec())))
        .build();
  }

  /** The agent's identity. */
  public static ServiceAccount serviceAccount(PiServerPool pool) {
    return new ServiceAccountBuilder()
        .withMetadata(PoolNames.metadata(pool, PoolNames.agent(pool)))
        .build();
  }

  /** Read-only access to pods in the pool's namespace: the agent watches its own label. */
  public static Role role(PiServerPool pool) {
    return new RoleBuilder()
        .withMetadata(PoolNames.metadata(pool, PoolNames.agent(pool)))
        .withRules(
            new PolicyRuleBuilder()
                .withApiGroups("")
                .withResources("pods")
                .withVerbs("get", "list", "watch")
                .build())
        .build();
  }

  /** Binds the Role to the ServiceAccount. */
  public static RoleBinding roleBinding(PiServerPool pool) {
    String name = PoolNames.agent(pool);
    return new RoleBindingBuilder()
        .withMetadata(PoolNames.metadata(pool, name))
        .withNewRoleRef("rbac.authorization.k8s.io", "Role", name)
        .addNewSubject()
        .withKind("ServiceAccount")
        .withName(name)
        .withNamespace(pool.getMetadata().getNamespace())
        .endSubject()
        .build();
  }

  /** The Service in front of the serving agents only. */
  public static Service service(PiServerPool pool) {
    ServiceSpec s =
        pool.getSpec().getService() == null ? new ServiceSpec() : pool.getSpec().getService();
    ServerSpec server =
        pool.getSpec().getServer() == null ? new ServerSpec() : pool.getSpec().getServer();
    ServiceSpec.Type type = s.getType() == null ? ServiceSpec.Type.ClusterIP : s.getType();
    return new ServiceBuilder()
        .withMetadata(PoolNames.metadata(pool, PoolNames.service(pool)))
        .withNewSpec()
        .withType(type.name())
        .withSelector(PoolNames.servingSelector(pool))
        .withPorts(
            new ServicePortBuilder()
                .withName("http")
                .withProtocol("TCP")
                .withPort(s.getPort())
                .withTargetPort(new IntOrString(server.getPort()))
                .withNodePort(type == ServiceSpec.Type.ClusterIP ? null : s.getNodePort())
                .build())
        .endSpec()
        .build();
  }
}

package io.pipool.operator.model;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.api.v1alpha1.ServerSpec;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The front-end configuration the operator publishes for a balancer outside Kubernetes: an HAProxy
 * backend that health-checks every pool node and, when the pool sets {@code agentCheckPort}, reads
 * each node's weight from its agent; and an nginx {@code upstream} of the nodes serving now.
 */
public final class FrontendModel {

  /** Key of the HAProxy backend section in the ConfigMap. */
  public static final String HAPROXY_KEY = "haproxy.cfg";

  /** Key of the nginx upstream block in the ConfigMap. */
  public static final String NGINX_KEY = "nginx.conf";

  /** How often HAProxy asks each agent for its weight. */
  public static final String AGENT_INTER = "2s";

  /**
   * One pool node as the balancer reaches it.
   *
   * @param node node name (the HAProxy server name)
   * @param address the node's address (host network: the agent pod's IP)
   * @param serving whether the operator has it in rotation now
   */
  public record Node(String node, String address, boolean serving) {}

  private FrontendModel() {}

  /** The ConfigMap {@code <pool>-frontend}. */
  public static ConfigMap configMap(PiServerPool pool, List<Node> nodes) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(HAPROXY_KEY, haproxy(pool, nodes));
    data.put(NGINX_KEY, nginx(pool, nodes));
    return new ConfigMapBuilder()
        .withMetadata(PoolNames.metadata(pool, PoolNames.frontend(pool)))
        .withData(data)
        .build();
  }

  /** The backend's name in both files: {@code pipool_<namespace>_<pool>}. */
  public static String backendName(PiServerPool pool) {
    return ("pipool_" + pool.getMetadata().getNamespace() + "_" + pool.getMetadata().getName())
        .replaceAll("[^A-Za-z0-9_]", "_");
  }

  /** The HAProxy backend section. */
  public static String haproxy(PiServerPool pool, List<Node> nodes) {
    ServerSpec s = server(pool);
    Integer agentPort = s.getAgentCheckPort();
    StringBuilder b = new StringBuilder();
    b.append("# HAProxy backend for PiServerPool ")
        .append(pool.getMetadata().getNamespace())
        .append('/')
        .append(pool.getMetadata().getName())
        .append(", kept current by pi-pool-operator.\n")
        .append("# Every pool node is listed; /readyz on the admin port takes it in and out of")
        .append(" rotation.\n");
    if (agentPort != null) {
      b.append("# Each agent also answers HAProxy's agent check on port ")
          .append(agentPort)
          .append(" with a weight\n# that falls as its node nears drainCelsius or its")
          .append(" connection cap (docs/usage.md).\n");
    } else {
      b.append("# Set spec.server.agentCheckPort for weights from the agents' headroom.\n");
    }
    b.append("# Use it from a frontend with: default_backend ")
        .append(backendName(pool))
        .append('\n');
    b.append("backend ").append(backendName(pool)).append('\n');
    boolean tcp = s.getFrontMode() == ServerSpec.FrontMode.Tcp;
    // tcp: one node connection per client connection, so the agents count what clients hold
    b.append(
        tcp ? "    mode tcp\n    balance leastconn\n" : "    mode http\n    balance roundrobin\n");
    b.append("    option httpchk GET /readyz\n");
    b.append("    http-check expect status 200\n");
    b.append("    default-server check port ")
        .append(s.getAdminPort())
        .append(" inter 2s fall 2 rise 2 weight 100");
    if (agentPort != null) {
      b.append(" agent-check agent-port ")
          .append(agentPort)
          .append(" agent-inter ")
          .append(AGENT_INTER);
    }
    if (s.getTlsSecret() != null && !tcp) {
      // the traffic port speaks TLS; the checks go to the plain admin port. Replace
      // "verify none" with "verify required ca-file <your CA>" to check the nodes' certificates.
      b.append(" ssl verify none no-check-ssl");
    }
    b.append('\n');
    for (Node n : sorted(nodes)) {
      b.append("    server ")
          .append(n.node())
          .append(' ')
          .append(n.address())
          .append(':')
          .append(s.getPort())
          .append('\n');
    }
    return b.toString();
  }

  /** The nginx upstream block: the nodes serving now, with static weights. */
  public static String nginx(PiServerPool pool, List<Node> nodes) {
    ServerSpec s = server(pool);
    StringBuilder b = new StringBuilder();
    b.append("# nginx upstream for PiServerPool ")
        .append(pool.getMetadata().getNamespace())
        .append('/')
        .append(pool.getMetadata().getName())
        .append(", kept current by pi-pool-operator.\n")
        .append("# nginx OSS cannot follow the pool as HAProxy does: it has no active health")
        .append(" checks (only\n# passive max_fails/fail_timeout) and no dynamic weights (the")
        .append(" agents' weights are not read).\n")
        .append("# So this lists only the nodes serving now, with equal static weights: reload")
        .append(" nginx when\n# this ConfigMap changes (the pool scales or drains a hot node).\n");
    b.append("upstream ").append(backendName(pool)).append(" {\n");
    List<Node> serving = sorted(nodes).stream().filter(Node::serving).toList();
    if (serving.isEmpty()) {
      b.append("    # no node serves now; nginx refuses an empty upstream, so one that")
          .append(" answers nothing:\n")
          .append("    server 127.0.0.1:")
          .append(s.getPort())
          .append(" down;\n");
    }
    for (Node n : serving) {
      b.append("    server ")
          .append(n.address())
          .append(':')
          .append(s.getPort())
          .append(" weight=1 max_fails=2 fail_timeout=10s;  # ")
          .append(n.node())
          .append('\n');
    }
    b.append("    keepalive 32;\n}\n");
    return b.toString();
  }

  private static ServerSpec server(PiServerPool pool) {
    return pool.getSpec().getServer() == null ? new ServerSpec() : pool.getSpec().getServer();
  }

  private static List<Node> sorted(List<Node> nodes) {
    return nodes.stream().sorted(Comparator.comparing(Node::node)).toList();
  }
}

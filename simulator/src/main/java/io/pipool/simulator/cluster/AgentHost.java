package io.pipool.simulator.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.pipool.simulator.node.SimNode;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One JVM that runs many real agents in-process, started inside the nodes' network namespace by
 * {@link HostedAgents}: a process per agent would cost a JVM per node. It reads one JSON request a
 * line on stdin ({@code start}, {@code stop}) and answers one JSON line each on stdout; at the end
 * of stdin (its parent is gone) it stops every agent and exits.
 */
public final class AgentHost {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final PrintStream replies;
  private final InProcessAgents agents;
  private final Map<String, AgentLauncher.RunningAgent> running = new ConcurrentHashMap<>();

  private AgentHost(PrintStream replies, InProcessAgents agents) {
    this.replies = replies;
    this.agents = agents;
  }

  /** {@code AgentHost KUBECONFIG}. */
  public static void main(String[] args) throws Exception {
    // stdout carries the replies only: anything else printed goes to the log
    PrintStream replies = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    System.setOut(System.err);
    Path kubeconfig = Path.of(args[0]);
    Config config =
        Config.fromKubeconfig(null, Files.readString(kubeconfig), kubeconfig.toString());
    config.setUserAgent("pi-pool-agent");
    KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    AgentHost host = new AgentHost(replies, new InProcessAgents(vertx, client, Clock.systemUTC()));
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        host.handle(JSON.readValue(line, Request.class));
      }
    }
    host.stopAll();
    client.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    System.exit(0);
  }

  /** One request from the parent. */
  record Request(
      String op,
      String id,
      int index,
      String name,
      String address,
      String root,
      String config,
      Map<String, String> env) {}

  /** One reply: {@code error} null on success. */
  record Reply(String id, String error, int adminPort) {}

  private void handle(Request r) {
    switch (r.op()) {
      case "start" ->
          agents
              .start(
                  new SimNode(r.index(), r.name(), r.address(), Path.of(r.root())),
                  r.config(),
                  r.env())
              .whenComplete(
                  (agent, e) -> {
                    if (e != null) {
                      reply(new Reply(r.id(), message(e), 0));
                    } else {
                      running.put(r.id(), agent);
                      reply(new Reply(r.id(), null, agent.adminPort()));
                    }
                  });
      case "stop" -> {
        AgentLauncher.RunningAgent agent = running.remove(r.id());
        CompletableFuture<Void> done =
            agent == null ? CompletableFuture.completedFuture(null) : agent.stop();
        done.whenComplete((v, e) -> reply(new Reply(r.id(), e == null ? null : message(e), 0)));
      }
      default -> reply(new Reply(r.id(), "unknown op " + r.op(), 0));
    }
  }

  private void stopAll() throws Exception {
    List<CompletableFuture<Void>> all = new ArrayList<>();
    running.values().forEach(a -> all.add(a.stop().exceptionally(e -> null)));
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
  }

  private synchronized void reply(Reply r) {
    try {
      replies.println(JSON.writeValueAsString(r));
    } catch (Exception e) {
      System.err.println("cannot reply: " + e);
    }
  }

  private static String message(Throwable e) {
    Throwable t = e.getCause() != null && e.getMessage() == null ? e.getCause() : e;
    return String.valueOf(t.getMessage());
  }

  /** The request that starts an agent. */
  static Request start(String id, SimNode node, String configYaml, Map<String, String> env) {
    return new Request(
        "start",
        id,
        node.index(),
        node.name(),
        node.address(),
        node.root().toString(),
        configYaml,
        new LinkedHashMap<>(env));
  }

  /** The request that stops one. */
  static Request stop(String id) {
    return new Request("stop", id, 0, null, null, null, null, null);
  }
}

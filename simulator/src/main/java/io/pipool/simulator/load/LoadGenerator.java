package io.pipool.simulator.load;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Holds a target number of keep-alive connections spread evenly over the serving endpoints, as an
 * external balancer in front of the nodes would: new connections go to the endpoint with the
 * fewest, connections to an endpoint that stops serving are closed (and reopened elsewhere), and an
 * uneven spread is evened out a little on each tick. Loopback only; bounded by {@code
 * maxConnections}. Every request and error is counted.
 */
public final class LoadGenerator implements AutoCloseable {

  /**
   * Settings.
   *
   * @param maxConnections hard ceiling, whatever the profile says
   * @param requestIntervalMillis pause between responses and the next request on a connection
   * @param opensPerTick new connections per 100 ms tick, so ramps are smooth
   */
  public record Settings(int maxConnections, long requestIntervalMillis, int opensPerTick) {}

  /**
   * Totals so far.
   *
   * @param open connections open now
   * @param peakOpen most connections open at once
   * @param requests responses received
   * @param shed 503 responses (a node shedding load)
   * @param errors failed connects, connections closed by a node, other error statuses
   * @param perNode open connections per node name
   */
  public record Stats(
      int open,
      int peakOpen,
      long requests,
      long shed,
      long errors,
      Map<String, Integer> perNode) {}

  private final Vertx vertx;
  private final Context context;
  private final NetClient net;
  private final Settings settings;
  private final LoadMeter meter;
  private final Supplier<List<Endpoint>> endpoints;
  private final Map<Endpoint, Set<Connection>> open = new HashMap<>();
  private final Map<Endpoint, Integer> connecting = new HashMap<>();
  private final AtomicInteger target = new AtomicInteger();
  private final AtomicInteger openCount = new AtomicInteger();
  private final AtomicInteger peak = new AtomicInteger();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong shed = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private volatile Map<String, Integer> perNode = Map.of();
  private long timer;

  /**
   * @param endpoints the endpoints in rotation now (asked on every tick)
   */
  public LoadGenerator(
      Vertx vertx, Settings settings, LoadMeter meter, Supplier<List<Endpoint>> endpoints) {
    this.vertx = vertx;
    this.settings = settings;
    this.meter = meter;
    this.endpoints = endpoints;
    this.context = vertx.getOrCreateContext();
    this.net =
        vertx.createNetClient(
            new NetClientOptions()
                .setConnectTimeout(2000)
                .setTcpNoDelay(true)
                .setReuseAddress(true));
    context.runOnContext(v -> timer = vertx.setPeriodic(100, id -> tick()));
  }

  /** Sets the number of connections to hold (capped at maxConnections). */
  public void target(int connections) {
    target.set(Math.max(0, Math.min(connections, settings.maxConnections())));
  }

  /** The connections asked for. */
  public int target() {
    return target.get();
  }

  /** Totals so far. */
  public Stats stats() {
    return new Stats(
        openCount.get(), peak.get(), requests.get(), shed.get(), errors.get(), perNode);
  }

  private void tick() {
    List<Endpoint> serving = endpoints.get();
    Set<Endpoint> allowed = new HashSet<>(serving);
    for (Endpoint e : List.copyOf(open.keySet())) {
      if (!allowed.contains(e)) {
        List.copyOf(open.get(e)).forEach(Connection::close);
      }
    }
    int want = serving.isEmpty() ? 0 : target.get();
    int have = active() + connecting.values().stream().mapToInt(Integer::intValue).sum();
    if (have > want) {
      closeSome(Math.min(have - want, settings.opensPerTick() * 2));
    } else if (have < want) {
      openSome(serving, Math.min(want - have, settings.opensPerTick()));
    } else {
      rebalance(serving);
    }
    Map<String, Integer> counts = new LinkedHashMap<>();
    open.forEach((e, set) -> counts.merge(e.node(), set.size(), Integer::sum));
    perNode = Map.copyOf(counts);
  }

  private int load(Endpoint e) {
    int n = 0;
    for (Connection c : open.getOrDefault(e, Set.of())) {
      if (!c.closing()) {
        n++;
      }
    }
    return n + connecting.getOrDefault(e, 0);
  }

  /** Open connections not already being closed. */
  private int active() {
    int n = 0;
    for (Set<Connection> set : open.values()) {
      for (Connection c : set) {
        if (!c.closing()) {
          n++;
        }
      }
    }
    return n;
  }

  private void openSome(List<Endpoint> serving, int n) {
    for (int i = 0; i < n; i++) {
      Endpoint e = serving.stream().min(Comparator.comparingInt(this::load)).orElseThrow();
      connecting.merge(e, 1, Integer::sum);
      net.connect(e.port(), e.address())
          .onComplete(
              ar -> {
                connecting.merge(e, -1, Integer::sum);
                if (ar.failed()) {
                  errors.incrementAndGet();
                  return;
                }
                Connection c =
                    new Connection(
                        vertx, ar.result(), e, settings.requestIntervalMillis(), listener);
                open.computeIfAbsent(e, k -> new HashSet<>()).add(c);
                peak.accumulateAndGet(openCount.incrementAndGet(), Math::max);
                long spread =
                    ThreadLocalRandom.current().nextLong(settings.requestIntervalMillis());
                c.begin(spread);
              });
    }
  }

  /** Closes {@code n} connections, always from the endpoint holding the most. */
  private void closeSome(int n) {
    for (int i = 0; i < n; i++) {
      Endpoint busiest =
          open.keySet().stream().max(Comparator.comparingInt(this::load)).orElse(null);
      if (busiest == null || load(busiest) == 0) {
        return;
      }
      open.get(busiest).stream().filter(c -> !c.closing()).findFirst().ifPresent(Connection::close);
    }
  }

  /** Moves a few connections from the busiest endpoint towards the quietest. */
  private void rebalance(List<Endpoint> serving) {
    if (serving.size() < 2) {
      return;
    }
    Endpoint busiest = serving.stream().max(Comparator.comparingInt(this::load)).orElseThrow();
    Endpoint quietest = serving.stream().min(Comparator.comparingInt(this::load)).orElseThrow();
    int gap = load(busiest) - load(quietest);
    if (gap > Math.max(4, load(busiest) / 20)) {
      int move = Math.min(gap / 2, settings.opensPerTick());
      List<Connection> from = new ArrayList<>();
      for (Connection c : open.getOrDefault(busiest, Set.of())) {
        if (!c.closing() && from.size() < move) {
          from.add(c);
        }
      }
      from.forEach(Connection::close); // the next tick reopens them on the quietest endpoint
    }
  }

  private final Connection.Listener listener =
      new Connection.Listener() {
        @Override
        public void completed(Connection c, int status) {
          requests.incrementAndGet();
          meter.request(c.endpoint.address());
          if (status == 503) {
            shed.incrementAndGet();
          } else if (status < 200 || status >= 400) {
            errors.incrementAndGet();
          }
        }

        @Override
        public void closed(Connection c, boolean byUs) {
          Set<Connection> set = open.get(c.endpoint);
          if (set != null && set.remove(c)) {
            openCount.decrementAndGet();
            if (set.isEmpty()) {
              open.remove(c.endpoint);
            }
          }
          if (!byUs) {
            errors.incrementAndGet();
          }
        }
      };

  /** Closes every connection. */
  @Override
  public void close() {
    target.set(0);
    context.runOnContext(
        v -> {
          vertx.cancelTimer(timer);
          open.values().forEach(set -> List.copyOf(set).forEach(Connection::close));
        });
  }
}

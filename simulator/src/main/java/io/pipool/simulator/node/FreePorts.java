package io.pipool.simulator.node;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Finds ports that are free on every simulated node's address (the agents share port numbers). */
public final class FreePorts {

  private FreePorts() {}

  /** {@code count} distinct ports free on all {@code addresses} right now. */
  public static List<Integer> pick(Collection<String> addresses, int count) {
    List<Integer> out = new ArrayList<>();
    for (int attempt = 0; attempt < 200 && out.size() < count; attempt++) {
      int candidate;
      try (ServerSocket s =
          new ServerSocket(0, 1, InetAddress.getByName(addresses.iterator().next()))) {
        candidate = s.getLocalPort();
      } catch (IOException e) {
        throw new IllegalStateException("cannot bind a loopback address: " + e.getMessage(), e);
      }
      if (!out.contains(candidate) && freeEverywhere(addresses, candidate)) {
        out.add(candidate);
      }
    }
    if (out.size() < count) {
      throw new IllegalStateException("no " + count + " ports free on every node address");
    }
    return out;
  }

  /** True when {@code port} can be bound on every address now. */
  public static boolean freeEverywhere(Collection<String> addresses, int port) {
    for (String a : addresses) {
      try (ServerSocket s = new ServerSocket()) {
        s.setReuseAddress(true);
        s.bind(new java.net.InetSocketAddress(InetAddress.getByName(a), port), 1);
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }
}

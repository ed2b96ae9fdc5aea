package io.pipool.agent.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.internal.PlatformDependent;
import io.pipool.agent.NodeAgent;
import io.pipool.agent.support.Hostile;
import io.pipool.agent.support.RawHttp;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that pipelines HTTP/1.1 requests and never reads a response (the agent died of this at
 * about 6.6 MiB of requests with -Xmx96m): the agent stops reading the connection once what it owes
 * cannot be written, so what it accepts stays at the kernel's socket buffers, its heap does not
 * grow with what the client sends, and everyone else is still served.
 */
@ExtendWith(VertxExtension.class)
class PipeliningBackpressureTest {

  /** Connections pipelining at once. */
  private static final int PIPELINERS = 4;

  /** Far more than killed the agent before: 20 times the 6.6 MiB. */
  private static final long OFFERED = 128L << 20;

  /** Socket buffers on both sides of loopback, at most; the agent may hold a few KiB more. */
  private static final long ACCEPTED_BOUND = 32L << 20;

  /**
   * How much heap and direct memory may grow while the pipeliners are held: 4 connections at the
   * documented 288 KiB each come to 1.1 MiB; the agent before this bound grew by 3.6 MB per
   * connection in the same 4 s.
   */
  private static final long MEMORY_BOUND = 4L << 20;

  @TempDir Path dir;

  @Test
  void pipelinersThatNeverReadAreHeldAtTheSocket(Vertx vertx) throws Exception {
    NodeAgent agent = Hostile.start(vertx, dir, Map.of());
    long before = used();
    ByteBuffer batch = batch();
    List<SocketChannel> pipeliners = new ArrayList<>();
    try {
      for (int i = 0; i < PIPELINERS; i++) {
        SocketChannel c = SocketChannel.open();
        pipeliners.add(c);
        c.setOption(StandardSocketOptions.SO_RCVBUF, 4096); // it reads nothing anyway
        c.connect(new InetSocketAddress("127.0.0.1", agent.trafficPort()));
        c.configureBlocking(false);
      }
      long accepted = 0;
      int stalls = 0;
      long until = System.nanoTime() + 4_000_000_000L;
      while (accepted < OFFERED && System.nanoTime() < until) {
        int n = 0;
        for (SocketChannel c : pipeliners) {
          n += c.write(batch.duplicate());
        }
        accepted += n;
        if (n == 0) {
          stalls++;
          Thread.sleep(10);
        }
      }
      long grown = used() - before;
      System.out.printf(
          "pipeliners: %d bytes accepted, %d stalls, %d bytes more memory%n",
          accepted, stalls, grown);
      assertThat(stalls).as("the agent stopped reading at some point").isPositive();
      assertThat(accepted)
          .as("bytes the agent let in while owing responses")
          .isLessThan(ACCEPTED_BOUND);
      assertThat(grown).as("heap and direct memory growth").isLessThan(MEMORY_BOUND);
      Hostile.stillServes(agent.trafficPort(), "/", 200);
    } finally {
      for (SocketChannel c : pipeliners) {
        c.close();
      }
    }
    Hostile.stillServes(agent.trafficPort(), "/", 200);
  }

  /**
   * About 64 KiB of the smallest pipelined GETs: the agent before this gate decoded every request
   * of a socket read into objects at once, some 3.5 MB of heap per 64 KiB read.
   */
  private static ByteBuffer batch() {
    byte[] one = "GET /p HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    ByteBuffer batch = ByteBuffer.allocate(one.length * 2048);
    while (batch.remaining() >= one.length) {
      batch.put(one);
    }
    return batch.flip();
  }

  @Test
  void pipelinedRequestsAreAllAnsweredInOrderToAClientThatReads(Vertx vertx) throws Exception {
    NodeAgent agent = Hostile.start(vertx, dir, Map.of());
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      many.append("GET /n").append(i).append(" HTTP/1.1\r\nHost: x\r\n\r\n");
    }
    many.append("POST /last HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
    try (RawHttp http = new RawHttp(agent.trafficPort())) {
      http.send(many.toString());
      for (int i = 0; i < 201; i++) {
        assertThat(http.read().status()).as("response %d", i).isEqualTo(200);
      }
      assertThat(http.get("/after").read().status()).isEqualTo(200);
    } catch (IOException e) {
      throw new AssertionError("a pipelined response was lost", e);
    }
  }

  /** Heap after a collection, plus Netty's direct memory (where socket buffers live). */
  private static long used() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory() + Math.max(0, PlatformDependent.usedDirectMemory());
  }
}

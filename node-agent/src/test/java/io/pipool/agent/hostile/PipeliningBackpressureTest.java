package io.pipool.agent.hostile;

import static org.assertj.core.api.Assertions.assertThat;

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

  /** Far more than killed the agent before: 20 times the 6.6 MiB. */
  private static final long OFFERED = 128L << 20;

  /** Socket buffers on both sides of loopback, at most; the agent may hold a few KiB more. */
  private static final long ACCEPTED_BOUND = 32L << 20;

  /** How much the heap may grow while the pipeliner is held. */
  private static final long HEAP_BOUND = 24L << 20;

  @TempDir Path dir;

  @Test
  void aPipelinerThatNeverReadsIsHeldAtTheSocket(Vertx vertx) throws Exception {
    NodeAgent agent = Hostile.start(vertx, dir, Map.of());
    long heapBefore = usedHeap();
    byte[] one = "GET /p HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    ByteBuffer batch = ByteBuffer.allocate(one.length * 2048);
    while (batch.remaining() >= one.length) {
      batch.put(one);
    }
    batch.flip();
    long accepted = 0;
    try (SocketChannel pipeliner = SocketChannel.open()) {
      pipeliner.setOption(StandardSocketOptions.SO_RCVBUF, 4096); // it reads nothing anyway
      pipeliner.connect(new InetSocketAddress("127.0.0.1", agent.trafficPort()));
      pipeliner.configureBlocking(false);
      long until = System.nanoTime() + 4_000_000_000L;
      int stalls = 0;
      while (accepted < OFFERED && System.nanoTime() < until) {
        ByteBuffer b = batch.duplicate();
        int n = pipeliner.write(b);
        accepted += n;
        if (n == 0) {
          stalls++;
          Thread.sleep(10);
        }
      }
      assertThat(stalls).as("the agent stopped reading at some point").isPositive();
      assertThat(accepted)
          .as("bytes the agent let in while owing responses")
          .isLessThan(ACCEPTED_BOUND);
      assertThat(usedHeap() - heapBefore).as("heap growth").isLessThan(HEAP_BOUND);
      Hostile.stillServes(agent.trafficPort(), "/", 200);
    }
    Hostile.stillServes(agent.trafficPort(), "/", 200);
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

  private static long usedHeap() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }
}

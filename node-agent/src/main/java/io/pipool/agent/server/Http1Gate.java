package io.pipool.agent.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.http.impl.Http1xOrH2CHandler;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The front of every traffic connection: it parses the inbound HTTP/1.1 bytes with {@link
 * Http1Parser} and hands Vert.x only validated bytes of one request at a time, as nginx serves
 * pipelined requests. The next request is parsed only once the response to the previous one has
 * been written to the socket and the channel is writable; until then its bytes are held and the
 * connection is not read. A response that says {@code Connection: close} closes the connection once
 * written, and nothing after it is parsed; a refused request is answered by the gate itself (400,
 * 408, 413, 414, 417, 431, 505 with {@code Connection: close}) and nothing after it is parsed
 * either. {@code Expect: 100-continue} gets its 100 here, before the head is passed on. A head must
 * be complete within the header timeout and a body within the body timeout, both counted from their
 * first byte. The HTTP/2 preface, or a 101 to h2c, makes the gate step aside.
 *
 * <p>Memory per HTTP/1.1 connection is bounded by construction, whatever the client sends or fails
 * to read (defaults: 4 KiB request line, 8 KiB fields, 64 KiB socket reads, Netty's 64 KiB
 * write-buffer high-water mark):
 *
 * <ul>
 *   <li>the gate holds at most a partial head (12 KiB) plus the reads taken while it stops reading:
 *       one, or two when Vert.x resumes reading once while a response is owed: at most 140 KiB;
 *   <li>Vert.x's decoder and request hold at most one read of the one request in flight: 64 KiB
 *       plus a partial line, 76 KiB;
 *   <li>output is one response at a time, streamed within the 64 KiB high-water mark plus one 8 KiB
 *       chunk (72 KiB), or written whole when Vert.x has it whole (Echo: at most its body cap).
 * </ul>
 *
 * <p>That is at most 288 KiB of buffers per connection, most of them Netty's pooled direct memory
 * rather than heap, plus the request and response objects of the one exchange in flight.
 */
final class Http1Gate extends ChannelDuplexHandler implements ResponseWatch.Gate {

  /** Its name in the pipeline. */
  static final String NAME = "pipool-h1-gate";

  /** How long a refused connection is read and drained before it is closed. */
  static final long LINGER_MS = 2_000;

  private static final String WATCH = "pipool-h1-watch";
  private static final String ENCODER = "httpEncoder";
  private static final byte[] PREFACE =
      Http1xOrH2CHandler.HTTP_2_PREFACE.getBytes(StandardCharsets.ISO_8859_1);
  private static final byte[] CONTINUE =
      "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

  private enum Mode {
    SNIFF,
    HTTP1,
    PASS,
    CLOSED
  }

  private enum Phase {
    HEAD,
    BODY,
    LAST
  }

  private final Http1Parser parser;
  private final long headTimeoutNanos;
  private final long bodyTimeoutNanos;
  private final Runnable resume = this::resume;
  private ChannelHandlerContext ctx;
  private Mode mode;
  private Phase phase = Phase.HEAD;
  private ByteBuf held;
  private int parsed;
  private boolean responsePending;
  private boolean responseStarted;
  private boolean closeAfterResponse;
  private boolean paused;
  private boolean busy;
  private boolean removed;
  private boolean resumeQueued;
  private boolean watching;
  private long deadline;
  private ScheduledFuture<?> timer;

  /**
   * A gate enforcing {@code limits}; {@code sniff} when the connection may also speak HTTP/2 (h2c
   * or ALPN), whose preface then makes the gate step aside.
   */
  Http1Gate(Http1Parser.Limits limits, long headTimeoutMs, long bodyTimeoutMs, boolean sniff) {
    this.parser = new Http1Parser(limits);
    this.headTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(headTimeoutMs);
    this.bodyTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(bodyTimeoutMs);
    this.mode = sniff ? Mode.SNIFF : Mode.HTTP1;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf in) || mode == Mode.PASS) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (mode == Mode.CLOSED) {
      in.release();
      return;
    }
    if (held == null) {
      held = in;
      parsed = in.readerIndex();
    } else {
      int before = held.readerIndex();
      held = ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), held, in);
      parsed += held.readerIndex() - before;
    }
    if (mode == Mode.SNIFF) {
      sniff();
    }
    if (mode == Mode.HTTP1) {
      process();
    } else if (mode == Mode.PASS) {
      stepAside();
    }
  }

  private void sniff() {
    int n = Math.min(held.readableBytes(), PREFACE.length);
    for (int i = 0; i < n; i++) {
      if (held.getByte(held.readerIndex() + i) != PREFACE[i]) {
        mode = Mode.HTTP1;
        return;
      }
    }
    if (n == PREFACE.length) {
      mode = Mode.PASS;
    } else if (deadline == 0) {
      arm(headTimeoutNanos);
    }
  }

  /** Parses and hands on what may be handed on now; true when something was handed on. */
  private boolean process() {
    if (busy) {
      return false;
    }
    busy = true;
    boolean forwarded = false;
    try {
      while (mode == Mode.HTTP1 && held != null && parsed < held.writerIndex()) {
        if (phase == Phase.LAST) {
          break;
        }
        boolean head = phase == Phase.HEAD;
        if (head && (responsePending || !ctx.channel().isWritable())) {
          break; // one request at a time, and none while the output is backed up
        }
        parsed = parser.advance(held, parsed, held.writerIndex());
        int event = parser.event();
        if (event == Http1Parser.REFUSED) {
          refuse(parser.status(), parser.rule());
          return forwarded;
        }
        if (event == Http1Parser.MORE) {
          if (!head) {
            forwarded |= forward();
          }
          if (deadline == 0) {
            arm(head ? headTimeoutNanos : bodyTimeoutNanos);
          }
          break;
        }
        deadline = 0;
        if (event == Http1Parser.HEAD) {
          if (parser.expectsContinue()) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(CONTINUE));
          }
          responsePending = true;
          responseStarted = false;
          boolean body = parser.hasBody();
          phase = body ? Phase.BODY : Phase.HEAD;
          forwarded |= forward();
          if (!body) {
            requestEnd();
          }
        } else {
          forwarded |= forward();
          requestEnd();
        }
      }
    } finally {
      busy = false;
    }
    afterProcess();
    return forwarded;
  }

  private void requestEnd() {
    if (phase == Phase.LAST) {
      return;
    }
    if (parser.last()) {
      phase = Phase.LAST;
    } else {
      phase = Phase.HEAD;
      parser.reset();
    }
  }

  private void afterProcess() {
    if (removed || mode == Mode.PASS) {
      stepAside();
      return;
    }
    if (held != null && (!held.isReadable() || phase == Phase.LAST || mode != Mode.HTTP1)) {
      held.release(); // nothing after a last request is ever parsed
      held = null;
    }
    boolean owed = responsePending || !ctx.channel().isWritable();
    boolean hold = phase == Phase.LAST || phase == Phase.HEAD && held != null && owed;
    if (mode == Mode.HTTP1 && hold) {
      stopReading();
    } else {
      startReading();
    }
  }

  /** Hands Vert.x the bytes parsed so far and not yet handed on. */
  private boolean forward() {
    int from = held.readerIndex();
    if (parsed == from) {
      return false;
    }
    if (!watching && !watch(from)) {
      mode = Mode.PASS; // not an HTTP/1.1 pipeline after all (h2 by ALPN): Vert.x decides
      return false;
    }
    ByteBuf out;
    if (parsed == held.writerIndex()) {
      out = held; // the common case: all that was read, handed on as it is
      held = null;
    } else {
      out = held.retainedSlice(held.readerIndex(), parsed - held.readerIndex());
      held.readerIndex(parsed);
    }
    ctx.fireChannelRead(out);
    return true;
  }

  /**
   * Puts the response watch right after Vert.x's encoder, which sees every response object before
   * it is encoded. With h2c, Vert.x builds its HTTP/1.1 pipeline on the first byte that differs
   * from the preface, so that prefix is handed on first.
   */
  private boolean watch(int from) {
    ChannelPipeline p = ctx.pipeline();
    if (p.get(ENCODER) == null && p.get(Http1xOrH2CHandler.class) != null) {
      int n = 0;
      while (n < PREFACE.length - 1
          && from + n < parsed - 1
          && held.getByte(from + n) == PREFACE[n]) {
        n++; // a valid HTTP/1.1 head always differs from the preface within it
      }
      ctx.fireChannelRead(held.retainedSlice(from, n + 1));
      held.readerIndex(from + n + 1);
    }
    if (p.get(ENCODER) == null) {
      return false;
    }
    p.addAfter(ENCODER, WATCH, new ResponseWatch(this));
    watching = true;
    return true;
  }

  @Override
  public boolean closed() {
    return mode == Mode.CLOSED;
  }

  @Override
  public boolean tracking() {
    return mode == Mode.HTTP1;
  }

  @Override
  public void switched() {
    mode = Mode.PASS; // h2c: HTTP/2 frames follow the upgrade request
    if (!busy) {
      stepAside();
    }
  }

  @Override
  public void responseHead(HttpResponse head) {
    responseStarted = true;
    if (head.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true)) {
      closeAfterResponse = true;
      phase = Phase.LAST; // nothing after it is parsed, not even the rest of this body
    }
  }

  @Override
  public void responseWritten(boolean ok) {
    responsePending = false;
    responseStarted = false;
    if (!ok || closeAfterResponse || phase == Phase.LAST) {
      close();
      return;
    }
    if (held != null && !resumeQueued) {
      resumeQueued = true;
      ctx.executor().execute(resume); // never re-enter Vert.x from inside its own write
    } else if (held == null) {
      startReading();
    }
  }

  private void resume() {
    resumeQueued = false;
    if (mode == Mode.HTTP1 && process()) {
      ctx.fireChannelReadComplete(); // lets Vert.x flush what it wrote for the request
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable() && mode == Mode.HTTP1 && held != null && !resumeQueued) {
      resumeQueued = true;
      ctx.executor().execute(resume);
    }
    ctx.fireChannelWritabilityChanged();
  }

  /** Answers a refused request (unless a response has started) and closes; nothing more is read. */
  private void refuse(int status, String rule) {
    boolean answer = !responsePending || !responseStarted;
    mode = Mode.CLOSED;
    deadline = 0;
    if (held != null) {
      held.release();
      held = null;
    }
    startReading(); // what the client still sends is read and dropped until the close
    if (answer) {
      ctx.writeAndFlush(Unpooled.wrappedBuffer(BadRequests.raw(status, rule)))
          .addListener(this::linger);
    } else {
      ctx.close();
    }
  }

  /**
   * Closes the way nginx does after an error: output first, then a short while reading and dropping
   * what the client still sends, so the close does not reset the connection and destroy the answer
   * in the client's receive buffer before it is read.
   */
  private void linger(io.netty.util.concurrent.Future<? super Void> written) {
    if (written.isSuccess() && ctx.channel() instanceof DuplexChannel duplex) {
      duplex.shutdownOutput();
      ctx.executor().schedule(() -> ctx.close(), LINGER_MS, TimeUnit.MILLISECONDS);
    } else {
      ctx.close();
    }
  }

  private void close() {
    mode = Mode.CLOSED;
    deadline = 0;
    if (held != null) {
      held.release();
      held = null;
    }
    ctx.close();
  }

  /** Hands everything on untouched from now on and leaves the pipeline (HTTP/2). */
  private void stepAside() {
    mode = Mode.PASS;
    deadline = 0;
    startReading();
    if (held != null) {
      ByteBuf rest = held;
      held = null;
      if (rest.isReadable()) {
        ctx.fireChannelRead(rest);
      } else {
        rest.release();
      }
    }
    if (!removed) {
      removed = true;
      ctx.pipeline().remove(this);
    }
  }

  private void stopReading() {
    paused = true;
    ctx.channel().config().setAutoRead(false); // also when Vert.x resumed reading meanwhile
  }

  private void startReading() {
    if (paused) {
      paused = false;
      ctx.channel().config().setAutoRead(true);
    }
  }

  private void arm(long nanos) {
    deadline = System.nanoTime() + nanos;
    if (timer == null) {
      timer = ctx.executor().schedule(this::onTimer, nanos, TimeUnit.NANOSECONDS);
    }
  }

  private void onTimer() {
    timer = null;
    if (deadline == 0 || mode == Mode.PASS || mode == Mode.CLOSED) {
      return;
    }
    long left = deadline - System.nanoTime();
    if (left > 0) {
      timer = ctx.executor().schedule(this::onTimer, left, TimeUnit.NANOSECONDS);
    } else if (phase == Phase.BODY) {
      refuse(408, "request body not complete in time");
    } else {
      refuse(408, "request head not complete in time");
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    release();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    removed = true;
    if (busy) {
      return; // the loop steps aside when it unwinds
    }
    if (held != null && mode == Mode.PASS && held.isReadable()) {
      ByteBuf rest = held;
      held = null;
      ctx.fireChannelRead(rest);
    }
    release();
  }

  private void release() {
    if (mode != Mode.PASS) {
      mode = Mode.CLOSED;
    }
    deadline = 0;
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    if (held != null) {
      held.release();
      held = null;
    }
  }
}

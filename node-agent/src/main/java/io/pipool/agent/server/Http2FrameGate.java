package io.pipool.agent.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * RFC 9113 framing rules and backpressure that Netty's HTTP/2 codec lacks, enforced on the bytes of
 * the connection, before Netty decodes them. It passes bytes through untouched until it knows the
 * connection speaks HTTP/2 (the client preface first, or after the agent's {@code 101} to an h2c
 * upgrade), then reads only the 9-byte frame headers, in both directions:
 *
 * <ul>
 *   <li>a header block (HEADERS and its CONTINUATION frames) has at most {@link
 *       #MAX_CONTINUATION_FRAMES} CONTINUATION frames and {@link #MAX_HEADER_BLOCK_BYTES} bytes:
 *       past either, GOAWAY ENHANCE_YOUR_CALM (empty CONTINUATION frames cost Netty no bytes, so
 *       its header-size limit never fires on them);
 *   <li>a HEADERS frame on a stream id not above every stream the client opened, and not the
 *       trailers of a stream still open, is a connection error PROTOCOL_ERROR (RFC 9113 section
 *       5.1.1), as nginx does, where Netty answers with a stream reset;
 *   <li>backpressure: once {@link #MAX_PENDING} streams wait for a response the agent has not
 *       finished writing (END_STREAM or RST_STREAM seen going out), or while the channel is not
 *       writable, the gate stops reading the connection and holds, unforwarded, the bytes already
 *       read from the next frame on; it reads again when the agent has caught up. A client that
 *       never reads its responses, or keeps the flow-control window shut, is thus not read either.
 *       A client obeying the announced {@link ControlFrameLimit#MAX_STREAMS} never reaches it.
 *   <li>more than {@link #MAX_CLIENT_OPEN} streams left open by the client: GOAWAY
 *       ENHANCE_YOUR_CALM;
 *   <li>floods of frames that make the agent work or write without a request: more than {@link
 *       ControlFrameLimit#MAX_RESETS} RST_STREAM (rapid reset), or more than {@link
 *       ControlFrameLimit#MAX_CONTROL_FRAMES} SETTINGS (after the preface's) and PING frames that
 *       each want an acknowledgement, per {@link ControlFrameLimit#WINDOW_SECONDS}: GOAWAY
 *       ENHANCE_YOUR_CALM.
 * </ul>
 *
 * <p>Memory per connection, bounded whatever the client reads: the bytes of at most two reads held
 * back (Netty reads at most 64 KiB at a time: 128 KiB), the channel's outbound buffer up to its
 * high-water mark (64 KiB) before reading stops, Netty's header block of at most 10 KiB (its limit
 * is 1.25 times the {@link ControlFrameLimit#MAX_HEADER_LIST_BYTES} announced), and at most {@link
 * #MAX_PENDING} (200) responses owed, about 4 KiB of stream state each (800 KiB) plus the body
 * Vert.x queued for it: none copied in Echo mode (every response writes a slice of one shared
 * buffer), and in Static mode at most {@link OpenFiles#PER_CONNECTION} (8) files in flight, each
 * with at most one 64 KiB stream window plus one 8 KiB chunk queued (576 KiB). In all: at most 2
 * MiB per HTTP/2 connection.
 *
 * <p>On a violation nothing more is forwarded: the gate writes its own GOAWAY with the last client
 * stream id it forwarded and closes the connection after a short lingering read.
 */
final class Http2FrameGate extends ChannelDuplexHandler {

  /** The handler's name in the pipeline. */
  static final String NAME = "pipool-h2-gate";

  /** CONTINUATION frames allowed after one HEADERS frame. */
  static final int MAX_CONTINUATION_FRAMES = 16;

  /** Payload bytes of one header block (HEADERS plus CONTINUATION), on the wire. */
  static final int MAX_HEADER_BLOCK_BYTES = 64 * 1024;

  /** Responses owed on one connection before the gate stops reading it. */
  static final int MAX_PENDING = 2 * (int) ControlFrameLimit.MAX_STREAMS;

  /** Bytes read and held back while the gate waits for the agent to catch up; past it, GOAWAY. */
  static final int MAX_HELD_BYTES = 256 * 1024;

  /** Streams the client may leave open (not ended by it, not reset) before a GOAWAY. */
  static final int MAX_CLIENT_OPEN = 4 * (int) ControlFrameLimit.MAX_STREAMS;

  /** How long a refused connection is still read, its bytes discarded, before it is closed. */
  static final long LINGER_MS = 2_000;

  /** HTTP/2 error codes (RFC 9113 section 7). */
  static final int PROTOCOL_ERROR = 0x1;

  /** ENHANCE_YOUR_CALM. */
  static final int ENHANCE_YOUR_CALM = 0xb;

  private static final byte[] PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
  private static final byte[] UPGRADED = "HTTP/1.1 101".getBytes(StandardCharsets.ISO_8859_1);
  private static final int DATA = 0x0;
  private static final int HEADERS = 0x1;
  private static final int RST_STREAM = 0x3;
  private static final int SETTINGS = 0x4;
  private static final int PING = 0x6;
  private static final int GOAWAY = 0x7;
  private static final int CONTINUATION = 0x9;
  private static final int END_STREAM = 0x1;
  private static final int END_HEADERS = 0x4;
  private static final int ACK = 0x1;
  private static final int RECENT_RESETS = 64;

  /** Installs the gate at the front of a new connection's pipeline (right after TLS, if any). */
  static void install(ChannelPipeline pipeline) {
    Http2FrameGate gate = new Http2FrameGate(new State());
    if (pipeline.get("ssl") != null) {
      pipeline.addAfter("ssl", NAME, gate);
    } else {
      pipeline.addFirst(NAME, gate);
    }
  }

  private enum Mode {
    /** Nothing read yet, or only a prefix of the client preface. */
    SNIFF,
    /** HTTP/1.1: pass through; watch the agent's output for a 101 to h2c. */
    HTTP1,
    /** The agent switched to h2c: its 101 head is still going out, the client preface is next. */
    UPGRADING,
    /** HTTP/2 frames. */
    FRAMES,
    /** A violation was answered: nothing more is read. */
    CLOSED
  }

  /** The connection's state; it outlives one gate instance when Vert.x rebuilds the pipeline. */
  private static final class State {
    Mode mode = Mode.SNIFF;
    int prefaceMatched;
    // inbound frame parsing
    final byte[] header = new byte[9];
    int headerLen;
    int payloadLeft;
    int blockStream; // stream of the header block being read, 0 when none
    int blockFrames;
    long blockBytes;
    int lastClientStream;
    final Set<Integer> clientOpen = new HashSet<>();
    final Set<Integer> pending = new HashSet<>();
    final int[] recentResets = new int[RECENT_RESETS];
    int recentResetAt;
    final Flood resets = new Flood(ControlFrameLimit.MAX_RESETS);
    final Flood controls = new Flood(ControlFrameLimit.MAX_CONTROL_FRAMES);
    boolean settingsSeen;
    // outbound frame parsing
    boolean outFrames;
    int upgradeHeadEnd; // bytes of "\r\n\r\n" matched at the end of the 101 head
    final byte[] outHeader = new byte[9];
    int outHeaderLen;
    int outPayloadLeft;
    // bytes read but not forwarded
    ByteBuf held;
    boolean paused;
  }

  private final State s;
  private ChannelHandlerContext ctx;
  private boolean replaced;

  private Http2FrameGate(State state) {
    this.s = state;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  /**
   * Vert.x removes every handler but its HTTP/2 one when it completes an h2c upgrade: put the gate
   * back in front, with the connection's state, so the frames that follow are watched as well.
   */
  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (replaced || s.mode == Mode.CLOSED || !ctx.channel().isOpen()) {
      releaseHeld();
      return;
    }
    replaced = true;
    Http2FrameGate next = new Http2FrameGate(s);
    if (ctx.pipeline().get("ssl") != null) {
      ctx.pipeline().addAfter("ssl", NAME, next);
    } else {
      ctx.pipeline().addFirst(NAME, next);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    releaseHeld();
    super.channelInactive(ctx);
  }

  private void releaseHeld() {
    if (s.held != null) {
      s.held.release();
      s.held = null;
    }
  }

  // ---- inbound ----

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf buf)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (s.mode == Mode.CLOSED) {
      buf.release();
      return;
    }
    if (s.mode == Mode.HTTP1 && s.held == null) {
      ctx.fireChannelRead(buf);
      return;
    }
    if (s.held == null) {
      s.held = buf;
    } else {
      CompositeByteBuf both = ctx.alloc().compositeBuffer();
      both.addComponents(true, s.held, buf);
      s.held = both;
      if (both.readableBytes() > MAX_HELD_BYTES) {
        refuse(ENHANCE_YOUR_CALM); // something asked for reads while the gate held them back
        return;
      }
    }
    drain();
  }

  /** Parses and forwards what is held, up to a violation or a reason to hold back. */
  private void drain() {
    ByteBuf in = s.held;
    if (in == null) {
      return;
    }
    int scanned = 0;
    int readable = in.readableBytes();
    Verdict verdict = Verdict.PASS;
    loop:
    while (scanned < readable) {
      int at = in.readerIndex() + scanned;
      switch (s.mode) {
        case HTTP1 -> {
          scanned = readable;
        }
        case SNIFF, UPGRADING -> {
          if (in.getByte(at) == PREFACE[s.prefaceMatched]) {
            scanned++;
            if (++s.prefaceMatched == PREFACE.length) {
              s.outFrames = true; // prior knowledge: the agent answers with frames only
              s.mode = Mode.FRAMES;
            }
          } else if (s.mode == Mode.SNIFF) {
            s.mode = Mode.HTTP1; // not HTTP/2: what was matched so far goes through as well
          } else {
            verdict = Verdict.PROTOCOL_ERROR; // after a 101 only the preface may come
            break loop;
          }
        }
        case FRAMES -> {
          if (s.payloadLeft > 0) {
            int n = Math.min(s.payloadLeft, readable - scanned);
            scanned += n;
            s.payloadLeft -= n;
            continue;
          }
          if (s.headerLen == 0 && !ctx.channel().isWritable()) {
            verdict = Verdict.HOLD;
            break loop;
          }
          s.header[s.headerLen++] = in.getByte(at);
          scanned++;
          if (s.headerLen == 9) {
            verdict = inboundFrame();
            if (verdict == Verdict.HOLD) {
              s.headerLen--;
              scanned--;
              break loop;
            }
            if (verdict != Verdict.PASS) {
              break loop;
            }
            s.headerLen = 0;
            s.payloadLeft = length(s.header);
          }
        }
        case CLOSED -> {
          break loop;
        }
      }
    }
    ByteBuf pass = scanned > 0 ? in.readRetainedSlice(scanned) : null;
    if (!in.isReadable() || verdict.error != 0) {
      in.release();
      s.held = null;
    }
    if (pass != null) {
      ctx.fireChannelRead(pass);
    }
    if (verdict.error != 0) {
      refuse(verdict.error);
    } else if (verdict == Verdict.HOLD) {
      pause();
    } else if (s.paused) {
      resume();
    }
  }

  private enum Verdict {
    PASS(0),
    HOLD(0),
    PROTOCOL_ERROR(Http2FrameGate.PROTOCOL_ERROR),
    ENHANCE_YOUR_CALM(Http2FrameGate.ENHANCE_YOUR_CALM);

    final int error;

    Verdict(int error) {
      this.error = error;
    }
  }

  /** Decides on an inbound frame from its header alone; HOLD leaves the state unchanged. */
  private Verdict inboundFrame() {
    int length = length(s.header);
    int type = s.header[3] & 0xff;
    int flags = s.header[4] & 0xff;
    int stream = streamId(s.header);
    if (s.blockStream != 0) {
      if (type != CONTINUATION || stream != s.blockStream) {
        return Verdict.PROTOCOL_ERROR; // RFC 9113 section 6.10
      }
      s.blockBytes += length;
      if (++s.blockFrames > MAX_CONTINUATION_FRAMES || s.blockBytes > MAX_HEADER_BLOCK_BYTES) {
        return Verdict.ENHANCE_YOUR_CALM;
      }
      if ((flags & END_HEADERS) != 0) {
        s.blockStream = 0;
      }
      return Verdict.PASS;
    }
    switch (type) {
      case HEADERS -> {
        if (stream == 0 || (stream & 1) == 0) {
          return Verdict.PROTOCOL_ERROR;
        }
        if (stream > s.lastClientStream) {
          if (s.pending.size() >= MAX_PENDING) {
            return Verdict.HOLD;
          }
          if (s.clientOpen.size() >= MAX_CLIENT_OPEN) {
            return Verdict.ENHANCE_YOUR_CALM;
          }
          s.lastClientStream = stream;
          s.pending.add(stream);
          s.clientOpen.add(stream);
        } else if (!s.clientOpen.contains(stream) && !recentlyReset(stream)) {
          return Verdict.PROTOCOL_ERROR; // RFC 9113 section 5.1.1
        }
        if ((flags & END_STREAM) != 0) {
          s.clientOpen.remove(stream);
        }
        if (length > MAX_HEADER_BLOCK_BYTES) {
          return Verdict.ENHANCE_YOUR_CALM;
        }
        if ((flags & END_HEADERS) == 0) {
          s.blockStream = stream;
          s.blockFrames = 0;
          s.blockBytes = length;
        }
      }
      case CONTINUATION -> {
        return Verdict.PROTOCOL_ERROR; // no header block to continue
      }
      case DATA -> {
        if ((flags & END_STREAM) != 0) {
          s.clientOpen.remove(stream);
        }
      }
      case RST_STREAM -> {
        if (s.resets.exceeded()) {
          return Verdict.ENHANCE_YOUR_CALM; // rapid reset: answered here, with a lingering close
        }
        s.clientOpen.remove(stream);
        s.pending.remove(stream);
      }
      case SETTINGS, PING -> {
        boolean preface = type == SETTINGS && !s.settingsSeen; // the one every client must send
        s.settingsSeen |= type == SETTINGS;
        if ((flags & ACK) == 0 && !preface && s.controls.exceeded()) {
          return Verdict.ENHANCE_YOUR_CALM; // each would make Netty write an acknowledgement
        }
      }
      default -> {
        // WINDOW_UPDATE, PRIORITY, GOAWAY...: Netty's to judge
      }
    }
    return Verdict.PASS;
  }

  /**
   * Counts frames of one kind per {@link ControlFrameLimit#WINDOW_SECONDS} window. The gate answers
   * the floods itself: Netty's own limits behind it (for resets) close right after their GOAWAY,
   * and with the flood still unread that close sends a TCP reset that can destroy the GOAWAY; and
   * Vert.x reports SETTINGS and PING only after Netty has acknowledged them.
   */
  private static final class Flood {
    private final int max;
    private long windowStart = System.nanoTime();
    private int count;

    Flood(int max) {
      this.max = max;
    }

    /** Counts one frame; true once more than {@code max} came in the current window. */
    boolean exceeded() {
      long now = System.nanoTime();
      if (now - windowStart > ControlFrameLimit.WINDOW_SECONDS * 1_000_000_000L) {
        windowStart = now;
        count = 0;
      }
      return ++count > max;
    }
  }

  private boolean recentlyReset(int stream) {
    for (int r : s.recentResets) {
      if (r == stream) {
        return true;
      }
    }
    return false;
  }

  private void pause() {
    s.paused = true;
    ctx.channel().config().setAutoRead(false);
  }

  private void resume() {
    s.paused = false;
    ctx.channel().config().setAutoRead(true); // asks for a read when it was off
  }

  /** Called when the agent may have caught up: goes on with what is held, outside the write. */
  private void maybeResume() {
    if (s.paused
        && s.pending.size() < MAX_PENDING
        && ctx.channel().isWritable()
        && s.mode != Mode.CLOSED) {
      ctx.executor()
          .execute(
              () -> {
                if (s.paused && s.mode != Mode.CLOSED && ctx.channel().isOpen()) {
                  if (s.held == null) {
                    resume();
                  } else {
                    drain();
                  }
                }
              });
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    maybeResume();
    super.channelWritabilityChanged(ctx);
  }

  /** Answers a violation: GOAWAY with the last stream forwarded, then close; nothing more read. */
  private void refuse(int error) {
    s.mode = Mode.CLOSED;
    releaseHeld();
    ByteBuf goaway = Unpooled.buffer(17);
    goaway.writeMedium(8).writeByte(GOAWAY).writeByte(0).writeInt(0);
    goaway.writeInt(s.lastClientStream & 0x7fffffff).writeInt(error);
    ctx.writeAndFlush(goaway).addListener(f -> linger());
  }

  /**
   * Closes after a lingering read, as nginx does: closing with the client's bytes unread would send
   * a TCP reset that can destroy the GOAWAY before the client reads it. So the output is shut
   * (plain TCP), and what still comes is read and discarded until the client closes or {@link
   * #LINGER_MS} have passed. Closed from this handler, so that Netty's codec behind it does not
   * send a GOAWAY of its own.
   */
  private void linger() {
    Channel ch = ctx.channel();
    if (!ch.isOpen()) {
      return;
    }
    ctx.executor().schedule(() -> ctx.close(), LINGER_MS, TimeUnit.MILLISECONDS);
    if (ch instanceof SocketChannel tcp && ctx.pipeline().get("ssl") == null) {
      tcp.shutdownOutput();
    }
    ch.config().setAutoRead(true); // channelRead discards everything from now on
  }

  /**
   * Every close of an HTTP/2 connection lingers, not only the gate's own: Netty's codec closes
   * right after its GOAWAY for a rapid reset or another protocol error, and with the client's flood
   * still unread that close sends a TCP reset which can destroy the GOAWAY before the client reads
   * it. The caller's promise completes when the connection is really closed.
   */
  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    if (s.mode != Mode.FRAMES || !ctx.channel().isOpen()) {
      ctx.close(promise);
      return;
    }
    s.mode = Mode.CLOSED;
    releaseHeld();
    ctx.channel().closeFuture().addListener(f -> promise.trySuccess());
    // after what is already queued (a GOAWAY among it) has been written: shutting the output
    // sooner would drop it
    ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> linger());
  }

  // ---- outbound ----

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof ByteBuf buf && buf.isReadable()) {
      switch (s.mode) {
        case SNIFF, HTTP1 -> {
          if (startsWith(buf, UPGRADED) && contains(buf, "h2c")) {
            s.mode = Mode.UPGRADING;
            s.lastClientStream = 1; // the upgraded request is stream 1 (RFC 7540 section 3.2)
            s.prefaceMatched = 0;
            s.upgradeHeadEnd = 0;
            outbound(buf, buf.readerIndex() + UPGRADED.length);
          }
        }
        case UPGRADING, FRAMES -> outbound(buf, buf.readerIndex());
        default -> {
          // closed: the GOAWAY goes out as it is
        }
      }
    }
    ctx.write(msg, promise);
  }

  /** Follows the agent's frames from {@code from}, noting the streams it has finished. */
  private void outbound(ByteBuf buf, int from) {
    int end = buf.writerIndex();
    int i = from;
    while (i < end && !s.outFrames) {
      // the rest of the 101 head, up to its empty line
      byte b = buf.getByte(i++);
      boolean cr = b == '\r';
      s.upgradeHeadEnd =
          switch (s.upgradeHeadEnd) {
            case 0, 2 -> cr ? s.upgradeHeadEnd + 1 : 0;
            case 1, 3 -> b == '\n' ? s.upgradeHeadEnd + 1 : (cr ? 1 : 0);
            default -> 0;
          };
      if (s.upgradeHeadEnd == 4) {
        s.outFrames = true;
      }
    }
    while (i < end) {
      if (s.outPayloadLeft > 0) {
        int n = Math.min(s.outPayloadLeft, end - i);
        i += n;
        s.outPayloadLeft -= n;
        continue;
      }
      s.outHeader[s.outHeaderLen++] = buf.getByte(i++);
      if (s.outHeaderLen == 9) {
        s.outHeaderLen = 0;
        s.outPayloadLeft = length(s.outHeader);
        outboundFrame(s.outHeader[3] & 0xff, s.outHeader[4] & 0xff, streamId(s.outHeader));
      }
    }
  }

  private void outboundFrame(int type, int flags, int stream) {
    boolean finished =
        ((type == DATA || type == HEADERS) && (flags & END_STREAM) != 0) || type == RST_STREAM;
    if (!finished || stream == 0) {
      return;
    }
    s.pending.remove(stream);
    if (type == RST_STREAM && s.clientOpen.remove(stream)) {
      s.recentResets[s.recentResetAt++ % RECENT_RESETS] = stream;
    }
    maybeResume();
  }

  private static int length(byte[] h) {
    return (h[0] & 0xff) << 16 | (h[1] & 0xff) << 8 | (h[2] & 0xff);
  }

  private static int streamId(byte[] h) {
    return ((h[5] & 0x7f) << 24) | ((h[6] & 0xff) << 16) | ((h[7] & 0xff) << 8) | (h[8] & 0xff);
  }

  private static boolean startsWith(ByteBuf buf, byte[] prefix) {
    if (buf.readableBytes() < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (buf.getByte(buf.readerIndex() + i) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean contains(ByteBuf buf, String text) {
    return buf.toString(StandardCharsets.ISO_8859_1).contains(text);
  }
}

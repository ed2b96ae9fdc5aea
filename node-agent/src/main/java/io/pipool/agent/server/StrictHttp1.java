package io.pipool.agent.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpVersion;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.Http1xOrH2CHandler;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Strict HTTP/1.1 framing (RFC 9112): a request with both Content-Length and Transfer-Encoding, a
 * transfer coding other than a single {@code chunked}, a Content-Length that is not plain digits, a
 * missing or repeated Host on HTTP/1.1, or a control character in the request target is refused by
 * the decoder itself. Netty then discards the rest of the connection's bytes, so a request hidden
 * in the body is never decoded (and never proxied); Vert.x answers 400 and closes.
 */
final class StrictHttp1 {

  private static final String DECODER = "httpDecoder";
  private static final byte[] H2_PREFACE =
      Http1xOrH2CHandler.HTTP_2_PREFACE.getBytes(StandardCharsets.ISO_8859_1);

  private StrictHttp1() {}

  /** A request refused by one of the rules above; the message names the rule. */
  static final class Refused extends IllegalArgumentException {
    Refused(String rule) {
      super(rule);
    }
  }

  /** Puts the strict decoder in place of Vert.x's, now or as soon as Vert.x creates it. */
  static void install(ChannelPipeline p, HttpServerOptions options) {
    if (p.get(DECODER) != null) {
      p.replace(DECODER, DECODER, new Decoder(options));
    } else if (p.get("ssl") != null) {
      p.addAfter("ssl", "pipool-strict", new Swap(options));
    } else if (p.get(Http1xOrH2CHandler.class) != null) {
      p.addBefore(p.context(Http1xOrH2CHandler.class).name(), "pipool-strict", new Swap(options));
    }
  }

  /** Vert.x's request decoder with the framing checks above. */
  static final class Decoder extends VertxHttpRequestDecoder {

    Decoder(HttpServerOptions options) {
      super(options);
    }

    @Override
    protected HttpMessage createMessage(String[] initialLine) {
      String target = initialLine[1];
      for (int i = 0; i < target.length(); i++) {
        char c = target.charAt(i);
        if (c <= 0x20 || c == 0x7f) {
          throw new Refused("control character in the request target");
        }
      }
      return super.createMessage(initialLine);
    }

    /** Called by Netty once per message, right after the headers are parsed. */
    @Override
    protected boolean isContentAlwaysEmpty(HttpMessage msg) {
      var headers = msg.headers();
      List<String> hosts = headers.getAll(HttpHeaderNames.HOST);
      boolean http11 = msg.protocolVersion().equals(HttpVersion.HTTP_1_1);
      if (hosts.size() > 1 || (http11 && hosts.isEmpty())) {
        throw new Refused("HTTP/1.1 needs exactly one Host header");
      }
      List<String> codings = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
      if (!codings.isEmpty()) {
        if (!http11 || codings.size() > 1 || !codings.get(0).trim().equalsIgnoreCase("chunked")) {
          throw new Refused("only Transfer-Encoding: chunked is accepted");
        }
        if (headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
          throw new Refused("both Content-Length and Transfer-Encoding");
        }
      }
      for (String length : headers.getAll(HttpHeaderNames.CONTENT_LENGTH)) {
        if (length.isEmpty() || !length.chars().allMatch(c -> c >= '0' && c <= '9')) {
          throw new Refused("Content-Length must be digits");
        }
      }
      return super.isContentAlwaysEmpty(msg);
    }
  }

  /**
   * Waits for the first plaintext bytes and swaps the decoder in before they reach it. Behind TLS
   * Vert.x has built the HTTP/1.1 pipeline by then; with h2c the protocol is sniffed from the
   * preface, so for HTTP/1.1 this first hands Vert.x one empty line (which RFC 9112 section 2.2
   * lets a server skip before a request line) to make it build the pipeline, then swaps.
   */
  static final class Swap extends ChannelInboundHandlerAdapter {

    private final HttpServerOptions options;
    private ByteBuf seen;

    Swap(HttpServerOptions options) {
      this.options = options;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof ByteBuf buf)) {
        ctx.fireChannelRead(msg);
        return;
      }
      seen = seen == null ? buf : Unpooled.wrappedBuffer(seen, buf);
      ChannelPipeline p = ctx.pipeline();
      if (p.get(DECODER) == null && p.get(Http1xOrH2CHandler.class) != null) {
        int n = Math.min(seen.readableBytes(), H2_PREFACE.length);
        boolean preface = true;
        for (int i = 0; i < n && preface; i++) {
          preface = seen.getByte(seen.readerIndex() + i) == H2_PREFACE[i];
        }
        if (preface && n < H2_PREFACE.length) {
          return; // not decided yet
        }
        if (!preface) {
          ctx.fireChannelRead(Unpooled.wrappedBuffer(new byte[] {'\r', '\n'}));
        }
      }
      if (p.get(DECODER) != null && !(p.get(DECODER) instanceof Decoder)) {
        p.replace(DECODER, DECODER, new Decoder(options));
      }
      ByteBuf out = seen;
      seen = null;
      p.remove(this);
      ctx.fireChannelRead(out);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
      if (seen != null) {
        seen.release();
        seen = null;
      }
    }
  }
}

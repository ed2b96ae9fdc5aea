package io.pipool.agent.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.channels.ClosedChannelException;

/**
 * Sees HTTP/1.1 responses as Vert.x writes them, right after its encoder, and tells the {@link
 * Http1Gate} when a final response starts and when its last byte has been written to the socket.
 */
final class ResponseWatch extends ChannelOutboundHandlerAdapter {

  /** What the watch reports to. */
  interface Gate {

    /** True once the gate has refused or closed: nothing more may be written. */
    boolean closed();

    /** True while responses are tracked (HTTP/1.1, not switched to HTTP/2). */
    boolean tracking();

    /** A 101 to h2c is being written: HTTP/2 frames follow. */
    void switched();

    /** A final (non-1xx) response head is being written. */
    void responseHead(HttpResponse head);

    /** The last byte of the response has been written ({@code ok}) or failed. */
    void responseWritten(boolean ok);
  }

  private final Gate gate;

  ResponseWatch(Gate gate) {
    this.gate = gate;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (gate.closed()) {
      ReferenceCountUtil.release(msg); // the gate has answered and closed: nothing follows
      promise.tryFailure(new ClosedChannelException());
      return;
    }
    boolean last = false;
    if (msg instanceof HttpResponse head) {
      int code = head.status().code();
      if (code == 101) {
        gate.switched();
      } else if (code >= 200) {
        gate.responseHead(head);
        last = msg instanceof LastHttpContent; // 1xx (100 Continue) are not the response
      }
    } else if (msg instanceof LastHttpContent) {
      last = true;
    }
    if (last && gate.tracking()) {
      ChannelPromise p = promise.unvoid();
      p.addListener(f -> gate.responseWritten(f.isSuccess()));
      ctx.write(msg, p);
    } else {
      ctx.write(msg, promise);
    }
  }
}

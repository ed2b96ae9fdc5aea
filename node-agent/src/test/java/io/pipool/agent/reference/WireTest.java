package io.pipool.agent.reference;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipool.agent.support.RawH2;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reference run's own reading of the wire, so a row in the table means what it says. */
class WireTest {

  @Test
  void everyResponseInABufferIsFoundWithItsFraming() {
    String wire =
        "HTTP/1.1 100 Continue\r\n\r\n"
            + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
            + "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
            + "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\nrest until close";
    List<Wire.Response> rs = Wire.responses(Wire.bytes(wire));
    assertThat(rs).extracting(Wire.Response::status).containsExactly(100, 200, 404, 400);
    assertThat(rs.get(1).body()).isEqualTo("ok");
    assertThat(rs.get(3).body()).isEqualTo("rest until close");
  }

  @Test
  void anHttp2StatusIsReadIndexedLiteralOrHuffmanCoded() {
    assertThat(Wire.status(headers(0x88))).isEqualTo("200");
    assertThat(Wire.status(headers(0x8c))).isEqualTo("400");
    assertThat(Wire.status(headers(0x48, 3, '4', '1', '3'))).isEqualTo("413");
    // "504" in HPACK's Huffman code: 011011 00000 011010, padded with ones
    assertThat(Wire.status(headers(0x48, 0x83, 0x6c, 0x0d, 0x7f))).isEqualTo("504");
  }

  @Test
  void aRefusalIsAnErrorStatusAnHttp2ErrorOrACloseWithoutAnswer() {
    assertThat(answer("400", false).refused()).isTrue();
    assertThat(answer("RST(1) / RST(1)", false).refused()).isTrue();
    assertThat(answer("none", true).refused()).isTrue();
    assertThat(answer("none", false).refused()).isFalse();
    assertThat(answer("404", true).refused()).isFalse();
    assertThat(answer("405", false).refused()).isTrue();
    assertThat(answer("none in 1 s→404", false).refused()).isFalse();
    assertThat(answer("100→413", false).refused()).isTrue();
  }

  private static RawH2.Frame headers(int... payload) {
    byte[] p = new byte[payload.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = (byte) payload[i];
    }
    return new RawH2.Frame(RawH2.HEADERS, 0x4, 1, p);
  }

  private static Outcome answer(String answer, boolean closed) {
    Outcome o = new Outcome();
    o.answer = answer;
    o.closed = closed;
    return o;
  }
}

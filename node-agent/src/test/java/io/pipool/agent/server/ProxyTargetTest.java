package io.pipool.agent.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The checks Proxy mode makes before it takes an upstream connection, and its documented limits.
 */
class ProxyTargetTest {

  @Test
  void anAuthorityIsAHostAndPortWithoutUserinfo() {
    assertThat(ProxyTarget.authority("shop.example:8080").toString())
        .isEqualTo("shop.example:8080");
    assertThat(ProxyTarget.authority("[::1]:80")).isNotNull();
    assertThat(ProxyTarget.authority("shop.example").port()).isEqualTo(-1);
    for (String bad :
        new String[] {
          "", "user@evil.example", "a b", "evil.example:99999", "evil.example:8o", "[::1", "[x]"
        }) {
      assertThat(ProxyTarget.authority(bad)).as(bad).isNull();
    }
  }

  @Test
  void tokensAreTchars() {
    assertThat(ProxyTarget.token("X-Custom_1.2~")).isTrue();
    assertThat(ProxyTarget.token("")).isFalse();
    assertThat(ProxyTarget.token("a b")).isFalse();
    assertThat(ProxyTarget.token("a:b")).isFalse();
    assertThat(ProxyTarget.token("a\u00e9")).isFalse();
  }

  @Test
  void theReadmeStatesTheLimitsTheCodeUses() throws Exception {
    String readme = Files.readString(Path.of("README.md")).replaceAll("\\s+", " ");
    assertThat(readme)
        .contains("Bodies up to " + (ProxyHandler.BUFFER_BYTES >> 10) + " KiB")
        .contains("(" + (ProxyHandler.BUFFER_BUDGET >> 20) + " MiB of them per event loop)")
        .contains("at most " + ProxyHandler.PER_SOURCE + " upstream requests at once")
        .contains("Retry-After: " + ProxyHandler.RETRY_AFTER)
        .contains("pool of " + TrafficVerticle.PROXY_POOL_SIZE + " connections");
  }
}

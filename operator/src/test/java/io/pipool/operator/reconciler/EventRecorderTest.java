package io.pipool.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.pipool.api.testing.SteppingClock;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.operator.testing.Fixtures;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Events as a real API server validates them. The mock accepts any metadata, so the names are
 * checked here against Kubernetes' own rule (a DNS-1123 subdomain; a generateName prefix may only
 * end in a dash), which a real server enforces with a 422.
 */
@EnableKubernetesMockClient(crud = true)
class EventRecorderTest {

  static KubernetesClient client;

  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  /** Kubernetes' ValidateObjectMeta for a name or generateName, as a yes or no. */
  static boolean acceptedByKubernetes(String name, String generateName) {
    if (generateName != null && !generateName.isEmpty()) {
      // the API server masks one trailing dash, then the prefix must itself be a valid name
      String masked =
          generateName.endsWith("-")
              ? generateName.substring(0, generateName.length() - 1) + "a"
              : generateName;
      if (masked.length() > 253 || !DNS_SUBDOMAIN.matcher(masked).matches()) {
        return false;
      }
    }
    return name == null
        ? generateName != null && !generateName.isEmpty()
        : name.length() <= 253 && DNS_SUBDOMAIN.matcher(name).matches();
  }

  @Test
  void eventsCarryNamesARealApiServerAccepts() {
    PiServerPool pool = client.resource(Fixtures.pool("events", "web")).create();
    EventRecorder recorder = new EventRecorder(client, new SteppingClock(Instant.now()), "op-1");
    recorder.normal(pool, "ScaledUp", "serving 1 -> 3");
    recorder.warning(pool, "Hot", "pi-2 at 76.0 °C");

    List<Event> events = client.events().v1().events().inNamespace("events").list().getItems();
    assertThat(events).hasSize(2);
    assertThat(events)
        .allSatisfy(
            e ->
                assertThat(
                        acceptedByKubernetes(
                            e.getMetadata().getName(), e.getMetadata().getGenerateName()))
                    .as(
                        "name %s / generateName %s",
                        e.getMetadata().getName(), e.getMetadata().getGenerateName())
                    .isTrue());
    assertThat(events)
        .extracting(e -> e.getMetadata().getName())
        .allMatch(n -> n.startsWith("web."));
  }

  @Test
  void aLongPoolNameStillGivesAValidEventName() {
    String longName = "p".repeat(250);
    String name = EventRecorder.eventName(longName, Instant.now());
    assertThat(acceptedByKubernetes(name, null)).isTrue();
    assertThat(EventRecorder.eventName("web", Instant.EPOCH))
        .isNotEqualTo(EventRecorder.eventName("web", Instant.EPOCH));
  }

  @Test
  void theRuleRefusesWhatTheApiServerRefuses() {
    assertThat(acceptedByKubernetes(null, "web.")).isFalse();
    assertThat(acceptedByKubernetes(null, "web-")).isTrue();
    assertThat(acceptedByKubernetes("Web", null)).isFalse();
  }
}

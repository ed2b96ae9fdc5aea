package io.pipool.operator.reconciler;

import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pipool.api.v1alpha1.PiServerPool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes Events on a pool through the events.k8s.io API. The same reason and note for the same pool
 * is written once per {@link #DEDUP_WINDOW}, so a loop that keeps seeing the same thing stays
 * quiet.
 */
final class EventRecorder {

  static final String CONTROLLER = "pipool.io/pi-pool-operator";
  static final Duration DEDUP_WINDOW = Duration.ofMinutes(10);
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  private static final DateTimeFormatter MICRO =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
          .withZone(java.time.ZoneOffset.UTC);

  // keeps two Events written within one clock tick apart
  private static final AtomicLong sequence = new AtomicLong();

  private final KubernetesClient client;
  private final Clock clock;
  private final String instance;
  private final Map<String, Instant> recent = new ConcurrentHashMap<>();

  EventRecorder(KubernetesClient client, Clock clock, String instance) {
    this.client = client;
    this.clock = clock;
    this.instance = instance;
  }

  void normal(PiServerPool pool, String reason, String note) {
    emit(pool, "Normal", reason, note);
  }

  void warning(PiServerPool pool, String reason, String note) {
    emit(pool, "Warning", reason, note);
  }

  void emit(PiServerPool pool, String type, String reason, String note) {
    Instant now = clock.instant();
    String key = pool.getMetadata().getUid() + "|" + type + "|" + reason + "|" + note;
    Instant last = recent.get(key);
    if (last != null && now.isBefore(last.plus(DEDUP_WINDOW))) {
      return;
    }
    recent.put(key, now);
    recent.values().removeIf(t -> now.isAfter(t.plus(DEDUP_WINDOW)));
    String shortNote = note.length() > 1000 ? note.substring(0, 997) + "..." : note;
    Event event =
        new EventBuilder()
            .withNewMetadata()
            .withName(eventName(pool.getMetadata().getName(), now))
            .withNamespace(pool.getMetadata().getNamespace())
            .endMetadata()
            .withRegarding(
                new ObjectReferenceBuilder()
                    .withApiVersion(pool.getApiVersion())
                    .withKind(pool.getKind())
                    .withName(pool.getMetadata().getName())
                    .withNamespace(pool.getMetadata().getNamespace())
                    .withUid(pool.getMetadata().getUid())
                    .build())
            .withType(type)
            .withReason(reason)
            .withAction(reason)
            .withNote(shortNote)
            .withReportingController(CONTROLLER)
            .withReportingInstance(instance)
            .withEventTime(new MicroTime(MICRO.format(now.truncatedTo(ChronoUnit.MICROS))))
            .build();
    try {
      client
          .events()
          .v1()
          .events()
          .inNamespace(pool.getMetadata().getNamespace())
          .resource(event)
          .create();
    } catch (KubernetesClientException e) {
      // an event is worth less than the reconcile that produced it
      LOG.warn(
          "{}/{}: could not record event {}: {}",
          pool.getMetadata().getNamespace(),
          pool.getMetadata().getName(),
          reason,
          e.getMessage());
    }
  }

  /**
   * The Event's name as Kubernetes' own recorders spell it: the object's name, a dot and a hex
   * timestamp ({@code web.17f2a...}). A generateName prefix ending in a dot is refused (422) by
   * every API server; a full name may end in hex digits. The object's name is shortened so the
   * result stays a valid DNS subdomain (253 characters).
   */
  static String eventName(String object, Instant at) {
    long nanos = at.getEpochSecond() * 1_000_000_000L + at.getNano() + sequence.incrementAndGet();
    String suffix = "." + Long.toHexString(nanos);
    String prefix =
        object.length() + suffix.length() > 253
            ? object.substring(0, 253 - suffix.length())
            : object;
    return prefix + suffix;
  }

  /** Forgets a deleted pool. */
  void forget(PiServerPool pool) {
    String prefix = pool.getMetadata().getUid() + "|";
    recent.keySet().removeIf(k -> k.startsWith(prefix));
  }
}

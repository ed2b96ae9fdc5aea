package io.pipool.operator.poll;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pipool.api.agent.AgentStatus;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Reads every agent's GET /v1/status in parallel, with a short timeout, off the reconcile threads.
 * A failure of any kind becomes a {@link PollResult} with the reason; the future never fails.
 */
public final class AgentPoller implements AutoCloseable {

  /** Status documents are small; anything larger is not an agent. */
  static final int MAX_BODY = 1 << 20;

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .findAndRegisterModules()
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final Duration timeout;
  private final Clock clock;
  private final ExecutorService executor;
  private final HttpClient http;

  public AgentPoller(Duration timeout, Clock clock) {
    this.timeout = timeout;
    this.clock = clock;
    this.executor =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "pipool-agent-poller");
              t.setDaemon(true);
              return t;
            });
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .executor(executor)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  /** Polls all targets at once; completes when every one answered, failed or timed out. */
  public CompletableFuture<List<PollResult>> pollAll(List<PollTarget> targets) {
    List<CompletableFuture<PollResult>> futures = targets.stream().map(this::poll).toList();
    return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
        .thenApply(v -> futures.stream().map(CompletableFuture::join).toList());
  }

  /** Polls one agent. */
  public CompletableFuture<PollResult> poll(PollTarget target) {
    HttpRequest request;
    try {
      request =
          HttpRequest.newBuilder(URI.create(target.url()))
              .timeout(timeout)
              .header("Accept", "application/json")
              .GET()
              .build();
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(failed(target, "bad address " + target.ip()));
    }
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
        // the client's timeout covers the head; this bounds a body that trickles in
        .orTimeout(timeout.toMillis() * 2, TimeUnit.MILLISECONDS)
        .handle(
            (response, error) ->
                error != null ? failed(target, reason(error)) : parse(target, response));
  }

  private PollResult parse(PollTarget target, HttpResponse<byte[]> response) {
    if (response.statusCode() != 200) {
      return failed(target, "HTTP " + response.statusCode() + " from /v1/status");
    }
    byte[] body = response.body();
    if (body == null || body.length == 0 || body.length > MAX_BODY) {
      return failed(
          target, "invalid status document: " + (body == null ? 0 : body.length) + " bytes");
    }
    try {
      AgentStatus status = JSON.readValue(body, AgentStatus.class);
      if (status == null || status.connections() == null) {
        return failed(target, "invalid status document: no connections");
      }
      return new PollResult(target, clock.instant(), status, null);
    } catch (Exception e) {
      return failed(target, "invalid status document: " + firstLine(e.getMessage()));
    }
  }

  private PollResult failed(PollTarget target, String reason) {
    return new PollResult(target, clock.instant(), null, reason);
  }

  private String reason(Throwable error) {
    Throwable e =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (e instanceof HttpTimeoutException || e instanceof java.util.concurrent.TimeoutException) {
      return "no answer within " + timeout.toMillis() + " ms";
    }
    if (e instanceof ConnectException) {
      return "connection refused";
    }
    return e.getClass().getSimpleName()
        + (e.getMessage() == null ? "" : ": " + firstLine(e.getMessage()));
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    String line = message.lines().findFirst().orElse("");
    return line.length() > 160 ? line.substring(0, 160) + "..." : line;
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}

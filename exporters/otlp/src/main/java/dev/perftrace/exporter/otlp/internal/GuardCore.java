package dev.perftrace.exporter.otlp.internal;

import dev.perftrace.exporter.otlp.CircuitState;
import dev.perftrace.exporter.otlp.DropReason;
import dev.perftrace.exporter.otlp.Signal;
import io.opentelemetry.sdk.common.Clock;
import io.opentelemetry.sdk.common.export.GrpcResponse;
import io.opentelemetry.sdk.common.export.GrpcStatusCode;
import io.opentelemetry.sdk.common.export.HttpResponse;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The state behind an {@code ExportGuard}: circuit breaker, counters and last outcome.
 *
 * <p>This class is internal and is not API. Thread safety: safe for concurrent use; the circuit
 * transitions happen under {@code this} lock, counters are lock-free.
 */
public final class GuardCore {

  private static final System.Logger LOGGER = System.getLogger("dev.perftrace.exporter.otlp");
  private static final int MAX_ERROR_LENGTH = 300;

  /** What the circuit breaker allows for one export. */
  public enum Permit {
    /** The circuit is closed: export. */
    ALLOW,
    /** The circuit is half-open and this export is the single trial. */
    TRIAL,
    /** The circuit is open (or a trial is under way): drop. */
    REJECT
  }

  private final Signal signal;
  private final int failureThreshold;
  private final long cooldownNanos;
  private final Clock clock;
  private final List<String> secrets;

  private final LongAdder exported = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final Map<DropReason, LongAdder> dropped = new EnumMap<>(DropReason.class);
  private final AtomicBoolean loggedOpen = new AtomicBoolean();
  private final AtomicBoolean loggedRecovered = new AtomicBoolean();

  // guarded by this
  private CircuitState circuit = CircuitState.CLOSED;
  private int consecutiveFailures;
  private long openedAtNanos;
  private long trialStartedNanos;
  private boolean trialInFlight;
  private Instant lastSuccess;
  private Instant lastFailure;
  private String lastError;

  /** Creates the state; arguments are checked by the public builder. */
  public GuardCore(
      Signal signal, int failureThreshold, Duration cooldown, Clock clock, List<String> secrets) {
    this.signal = signal;
    this.failureThreshold = failureThreshold;
    this.cooldownNanos = cooldown.toNanos();
    this.clock = clock;
    this.secrets = List.copyOf(secrets);
    for (DropReason reason : DropReason.values()) {
      dropped.put(reason, new LongAdder());
    }
  }

  public Signal signal() {
    return signal;
  }

  /** Decides whether an export may go to the endpoint now; never blocks. */
  public synchronized Permit acquire() {
    long now = clock.nanoTime();
    switch (circuit) {
      case CLOSED:
        return Permit.ALLOW;
      case OPEN:
        if (now - openedAtNanos >= cooldownNanos) {
          circuit = CircuitState.HALF_OPEN;
          trialInFlight = true;
          trialStartedNanos = now;
          return Permit.TRIAL;
        }
        return Permit.REJECT;
      case HALF_OPEN:
      default:
        if (trialInFlight && now - trialStartedNanos >= cooldownNanos) {
          // The trial never completed: count it as failed and start a new cool-down.
          trialInFlight = false;
          open(now);
          return Permit.REJECT;
        }
        if (!trialInFlight) {
          trialInFlight = true;
          trialStartedNanos = now;
          return Permit.TRIAL;
        }
        return Permit.REJECT;
    }
  }

  /** Records a successful export of {@code items}. */
  public void onSuccess(int items) {
    exported.add(items);
    boolean recovered;
    synchronized (this) {
      recovered = circuit != CircuitState.CLOSED;
      circuit = CircuitState.CLOSED;
      trialInFlight = false;
      consecutiveFailures = 0;
      lastSuccess = Instant.ofEpochSecond(0, clock.now());
    }
    if (recovered) {
      Level level = loggedRecovered.compareAndSet(false, true) ? Level.INFO : Level.DEBUG;
      LOGGER.log(level, "OTLP " + signal.attributeValue() + " exporter recovered; circuit closed");
    }
  }

  /**
   * Records a failed export of {@code items} (dropped as failed or timed out). A batch the
   * collector answered and rejected as such ({@link #isBatchRejected}) counts as failed but says
   * nothing about the endpoint: it neither opens the circuit nor adds to the consecutive
   * failures, and as a half-open trial it closes the circuit (the collector is answering).
   */
  public void onFailure(int items, Throwable error) {
    failures.increment();
    DropReason reason = isTimeout(error) ? DropReason.TIMEOUT : DropReason.EXPORT_FAILED;
    dropped.get(reason).add(items);
    String description = describe(error);
    if (isBatchRejected(error)) {
      synchronized (this) {
        lastFailure = Instant.ofEpochSecond(0, clock.now());
        lastError = description;
        if (circuit == CircuitState.HALF_OPEN) {
          circuit = CircuitState.CLOSED;
          consecutiveFailures = 0;
        }
        trialInFlight = false;
      }
      LOGGER.log(
          Level.DEBUG,
          "OTLP " + signal.attributeValue() + " batch rejected (" + description + ")");
      return;
    }
    boolean opened = false;
    synchronized (this) {
      consecutiveFailures++;
      lastFailure = Instant.ofEpochSecond(0, clock.now());
      lastError = description;
      if (circuit == CircuitState.HALF_OPEN
          || (circuit == CircuitState.CLOSED && consecutiveFailures >= failureThreshold)) {
        trialInFlight = false;
        open(clock.nanoTime());
        opened = true;
      }
    }
    if (opened) {
      Level level = loggedOpen.compareAndSet(false, true) ? Level.WARNING : Level.DEBUG;
      LOGGER.log(
          level,
          "OTLP "
              + signal.attributeValue()
              + " exporter failing ("
              + description
              + "); circuit open, dropping batches for "
              + Duration.ofNanos(cooldownNanos));
    }
  }

  private void open(long now) {
    circuit = CircuitState.OPEN;
    openedAtNanos = now;
  }

  /** Counts {@code items} dropped for {@code reason} without an export attempt. */
  public void drop(DropReason reason, long items) {
    if (items > 0) {
      dropped.get(reason).add(items);
    }
  }

  public long exported() {
    return exported.sum();
  }

  public long failures() {
    return failures.sum();
  }

  public long dropped(DropReason reason) {
    return dropped.get(reason).sum();
  }

  /** Returns the circuit state as it would be seen now (an expired cool-down shows as open). */
  public synchronized CircuitState circuit() {
    return circuit;
  }

  public synchronized int consecutiveFailures() {
    return consecutiveFailures;
  }

  public synchronized Instant lastSuccess() {
    return lastSuccess;
  }

  public synchronized Instant lastFailure() {
    return lastFailure;
  }

  public synchronized String lastError() {
    return lastError;
  }

  /** Returns true when {@code error} is a deadline or timeout. */
  static boolean isTimeout(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      GrpcResponse response = ExportResponses.grpc(t);
      if (response != null && response.getStatusCode() == GrpcStatusCode.DEADLINE_EXCEEDED) {
        return true;
      }
      if (t instanceof HttpTimeoutException
          || t instanceof InterruptedIOException
          || t instanceof TimeoutException) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /**
   * Returns true when the collector answered and rejected this one batch, a non-retryable
   * outcome that another batch would not share: gRPC {@code INVALID_ARGUMENT} or {@code
   * RESOURCE_EXHAUSTED} (a request over the collector's message size limit; OTLP makes it
   * retryable only with a {@code RetryInfo}, which PerfTrace's gRPC sender has already honoured),
   * HTTP 400 or 413, or a batch larger than the OTLP-JSON file's size cap.
   * (UNAUTHENTICATED, PERMISSION_DENIED, UNIMPLEMENTED and the like fail every batch alike and
   * count towards opening the circuit.)
   */
  static boolean isBatchRejected(Throwable error) {
    if (isTooLarge(error)) {
      return true;
    }
    GrpcResponse grpc = ExportResponses.grpc(error);
    if (grpc != null) {
      return grpc.getStatusCode() == GrpcStatusCode.INVALID_ARGUMENT;
    }
    HttpResponse http = ExportResponses.http(error);
    return http != null && http.getStatusCode() == 400;
  }

  /**
   * Returns true when the batch was refused for its size: gRPC {@code RESOURCE_EXHAUSTED}, HTTP
   * 413, or a line over the OTLP-JSON file's cap. Such a batch is split and its halves sent again,
   * so that one oversized item does not take the others down with it.
   */
  static boolean isTooLarge(Throwable error) {
    if (error instanceof FileCapExceededException) {
      return true;
    }
    GrpcResponse grpc = ExportResponses.grpc(error);
    if (grpc != null) {
      return grpc.getStatusCode() == GrpcStatusCode.RESOURCE_EXHAUSTED;
    }
    HttpResponse http = ExportResponses.http(error);
    return http != null && http.getStatusCode() == 413;
  }

  /** Describes {@code error} in one short line with secrets masked. */
  String describe(Throwable error) {
    String text;
    GrpcResponse grpc = ExportResponses.grpc(error);
    HttpResponse http = grpc == null ? ExportResponses.http(error) : null;
    if (grpc != null) {
      String description = grpc.getStatusDescription();
      text = "gRPC " + grpc.getStatusCode() + (description == null ? "" : ": " + description);
    } else if (http != null) {
      text = "HTTP " + http.getStatusCode();
    } else if (error == null) {
      text = "export failed";
    } else {
      Throwable root = error;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      text =
          root.getClass().getSimpleName()
              + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
    return mask(text);
  }

  /**
   * Replaces every configured secret value in {@code text}, and bounds its length: at most 300
   * characters, a longer text is cut to 297 and ends with {@code ...}.
   */
  public String mask(String text) {
    String masked = text;
    for (String secret : secrets) {
      if (!secret.isEmpty()) {
        masked = masked.replace(secret, "****");
      }
    }
    if (masked.length() > MAX_ERROR_LENGTH) {
      masked = masked.substring(0, MAX_ERROR_LENGTH - 3) + "...";
    }
    return masked;
  }
}

package dev.perftrace.instrumentation.jdkhttp.internal;

import dev.perftrace.Direction;
import dev.perftrace.Operation;
import dev.perftrace.PerfTracer;
import dev.perftrace.Transfer;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One client exchange: its operation (absent when stepping aside for the agent), the request and
 * response byte transfers, and the end, once both the exchange (response or error) and the
 * response body (complete, failed or cancelled) are done. Internal: not API.
 *
 * <p>Thread safety: byte counts come from the body subscribers (serialized per Flow rules); the
 * end is decided by atomics and runs once, on whichever thread finishes last.
 */
@SuppressWarnings("try") // scopes held current for their side effect
final class ClientExchange {
  private static final System.Logger LOG = System.getLogger(ClientExchange.class.getName());
  private static final AtomicBoolean LOGGED = new AtomicBoolean();

  private final ClientConfig config;
  private final String name;
  private final Operation operation; // null when stepping aside
  private final Transfer sent;
  private final Transfer received;
  private final long startNanos;
  /** The exchange, plus one while a response body subscriber is running. */
  private final AtomicInteger pending = new AtomicInteger(1);
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile int status = -1;
  private volatile HttpClient.Version version;
  private volatile Throwable error;

  private ClientExchange(ClientConfig config, HttpRequest request) {
    this.config = config;
    PerfTracer tracer = config.tracer;
    String method = HttpNames.method(request.method());
    this.name = name(config, request);
    this.startNanos = System.nanoTime();
    String source = source(config, request);
    if (config.stepAside) {
      this.operation = null;
      this.sent = new NonEmptyTransfer(tracer.startTransfer(Direction.OUT, source));
      this.received = new NonEmptyTransfer(tracer.startTransfer(Direction.IN, source));
    } else {
      var builder =
          tracer
              .operation(name)
              .setSpanKind(SpanKind.CLIENT)
              .setAttribute(HttpNames.METHOD, method)
              .setAttribute(HttpNames.URL_FULL, HttpNames.redacted(request.uri()))
              .setAttribute(HttpNames.SERVER_ADDRESS, String.valueOf(request.uri().getHost()))
              .setAttribute(HttpNames.SERVER_PORT, HttpNames.port(request.uri()));
      if (HttpNames.OTHER.equals(method)) {
        builder.setAttribute(HttpNames.METHOD_ORIGINAL, request.method());
      }
      this.operation = builder.startDetached();
      try (Scope ignored = operation.makeCurrent()) {
        this.sent = new NonEmptyTransfer(tracer.startTransfer(Direction.OUT, source));
        this.received = new NonEmptyTransfer(tracer.startTransfer(Direction.IN, source));
      }
    }
  }

  private static String name(ClientConfig config, HttpRequest request) {
    try {
      String name = config.operationName.apply(request);
      return name == null ? ClientConfig.methodName(request) : name;
    } catch (RuntimeException e) {
      logOnce("operation name function failed; used the method", e);
      return ClientConfig.methodName(request);
    }
  }

  private static String source(ClientConfig config, HttpRequest request) {
    try {
      String source = config.source.apply(request);
      return source == null ? ClientConfig.authority(request) : source;
    } catch (RuntimeException e) {
      logOnce("source function failed; used the authority", e);
      return ClientConfig.authority(request);
    }
  }

  /** Starts an exchange; never throws (a failure returns null: the call goes untraced). */
  static ClientExchange start(ClientConfig config, HttpRequest request) {
    try {
      return new ClientExchange(config, request);
    } catch (RuntimeException e) {
      logOnce("could not start the exchange's operation; call not traced", e);
      return null;
    }
  }

  /** The operation, or null when stepping aside. */
  Operation operation() {
    return operation;
  }

  Scope makeCurrent() {
    return operation == null ? Scope.noop() : operation.makeCurrent();
  }

  void requestBytes(long bytes) {
    if (bytes > 0) {
      sent.chunk(bytes);
    }
  }

  void responseBytes(long bytes) {
    if (bytes > 0) {
      received.chunk(bytes);
    }
  }

  /** The response headers arrived and the body subscriber starts. */
  void responseStarted(HttpResponse.ResponseInfo info) {
    status = info.statusCode();
    version = info.version();
    pending.incrementAndGet();
  }

  /** The response body completed, failed or was cancelled (once per subscriber). */
  void bodyDone() {
    if (pending.decrementAndGet() == 0) {
      end();
    }
  }

  /** The exchange returned a response or failed. A failure ends the exchange at once. */
  void exchangeDone(HttpResponse<?> response, Throwable failure) {
    if (response != null) {
      status = response.statusCode();
      version = response.version();
    }
    if (failure != null) {
      error = failure;
      end();
    } else if (pending.decrementAndGet() == 0) {
      end();
    }
  }

  private void end() {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    try {
      sent.close();
      received.close();
      int code = status;
      Throwable failure = error;
      boolean failingStatus = code > 0 && HttpNames.isFailure(code, config.failOn4xx);
      if (operation == null) {
        Duration duration = Duration.ofNanos(System.nanoTime() - startNanos);
        if (failure == null && failingStatus) {
          // the same error.type as PerfTrace's own client span would have: the status code
          config.tracer.recordDurationWithErrorType(name, duration, Integer.toString(code));
        } else {
          config.tracer.recordDuration(name, duration, failure);
        }
        return;
      }
      if (code > 0) {
        operation.setAttribute(HttpNames.STATUS_CODE, code);
      }
      HttpClient.Version v = version;
      if (v != null) {
        operation.setAttribute(
            HttpNames.PROTOCOL_VERSION, v == HttpClient.Version.HTTP_2 ? "2" : "1.1");
      }
      if (failure != null) {
        operation.fail(failure);
      } else if (failingStatus) {
        operation.failWithType(Integer.toString(code));
      }
    } catch (RuntimeException e) {
      logOnce("recording the exchange failed", e);
    } finally {
      if (operation != null) {
        operation.close();
      }
    }
  }

  static void logOnce(String what, Throwable e) {
    if (LOGGED.compareAndSet(false, true)) {
      LOG.log(System.Logger.Level.WARNING, "PerfTrace HTTP client instrumentation: " + what, e);
    }
  }
}

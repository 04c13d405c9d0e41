package dev.perftrace.instrumentation.jdkhttp;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsExchange;
import dev.perftrace.CorrelationScope;
import dev.perftrace.Direction;
import dev.perftrace.Operation;
import dev.perftrace.PerfAttributes;
import dev.perftrace.PerfTracer;
import dev.perftrace.Transfer;
import dev.perftrace.instrumentation.io.ByteCounting;
import dev.perftrace.instrumentation.jdkhttp.internal.AgentDetection;
import dev.perftrace.instrumentation.jdkhttp.internal.HttpNames;
import dev.perftrace.instrumentation.jdkhttp.internal.NonEmptyTransfer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * A {@code com.sun.net.httpserver} {@link Filter} that makes each exchange a PerfTrace operation:
 * add it to a context with {@code server.createContext(path, handler).getFilters().add(filter)}.
 *
 * <p>Thread safety: thread-safe; one filter may serve any number of contexts and threads.
 *
 * <p>Per exchange: the trace context and baggage (the correlation ID) are extracted from the
 * request headers through the tracer's propagators ({@link PerfTracer#extract}: a new correlation
 * ID when none arrives); an operation named {@code METHOD route} ({@code GET /content/}, the
 * route being the context path; see {@link Builder#setOperationName}) with span kind SERVER and attributes {@code http.request.method},
 * {@code url.path}, {@code url.query} (when present), {@code url.scheme}, {@code http.route},
 * {@code client.address}, {@code network.protocol.version}, and at the end {@code
 * http.response.status_code}; the request and response bodies are wrapped ({@code
 * HttpExchange.setStreams}) to count their bytes as they stream, one transfer each way, with the
 * route as the source by default (a direction without body bytes records no transfer). A 5xx status fails the operation with {@code error.type} = the
 * status code; 4xx is a success unless {@link Builder#setFailOn4xx}; an exception from the handler
 * fails it with the exception and is rethrown unchanged. The thread's context and correlation MDC
 * are restored when the chain returns.
 *
 * <p>Under the OpenTelemetry Java agent, whose filter makes a SERVER span for the exchange, this
 * filter steps aside: it starts no span, adds {@code perftrace.correlation_id} and the byte totals
 * ({@code perftrace.bytes.received}/{@code perftrace.bytes.sent}) to the agent's span when that
 * span is current here, opens the correlation scope, and records the duration and bytes as
 * metrics. It steps aside whenever a span is already current when the exchange reaches it, or an
 * {@code io.opentelemetry} filter is in the context's filter list.
 */
public final class PerfTraceHttpFilter extends Filter {
  private static final System.Logger LOG = System.getLogger(PerfTraceHttpFilter.class.getName());
  private static final AtomicBoolean LOGGED = new AtomicBoolean();

  private static final TextMapGetter<Headers> HEADERS =
      new TextMapGetter<>() {
        @Override
        @SuppressWarnings("deprecation") // deprecated from 1.6x; still abstract in 1.59
        public Iterable<String> keys(Headers carrier) {
          return carrier.keySet();
        }

        @Override
        public String get(Headers carrier, String key) {
          return carrier == null ? null : carrier.getFirst(key);
        }
      };

  private final PerfTracer tracer;
  private final boolean failOn4xx;
  private final Function<HttpExchange, String> source;
  private final Function<HttpExchange, String> operationName;

  private PerfTraceHttpFilter(Builder builder) {
    this.tracer = builder.tracer;
    this.failOn4xx = builder.failOn4xx;
    this.source = builder.source;
    this.operationName = builder.operationName;
  }

  /**
   * Returns a filter recording with {@code tracer} and the default settings.
   *
   * @throws NullPointerException naming {@code tracer} when null
   */
  public static PerfTraceHttpFilter create(PerfTracer tracer) {
    return builder(tracer).build();
  }

  /**
   * Returns a builder for a filter recording with {@code tracer}.
   *
   * @throws NullPointerException naming {@code tracer} when null
   */
  public static Builder builder(PerfTracer tracer) {
    return new Builder(tracer);
  }

  @Override
  public String description() {
    return "PerfTrace operation per exchange";
  }

  @Override
  @SuppressWarnings("try") // the correlation scope is held open for its side effect
  public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
    boolean stepAside;
    String name;
    String transferSource;
    try {
      stepAside = AgentDetection.serverInstrumented(exchange, this);
      name = name(exchange);
      transferSource = source(exchange);
    } catch (RuntimeException e) {
      logOnce("could not read the exchange; not traced", e);
      chain.doFilter(exchange);
      return;
    }
    if (stepAside) {
      stepAside(exchange, chain, name, transferSource);
      return;
    }
    try (CorrelationScope correlation = tracer.extract(exchange.getRequestHeaders(), HEADERS);
        Operation op = start(exchange, name)) {
      Transfer received = new NonEmptyTransfer(tracer.startTransfer(Direction.IN, transferSource));
      Transfer sent = new NonEmptyTransfer(tracer.startTransfer(Direction.OUT, transferSource));
      Throwable error = null;
      try {
        wrapStreams(exchange, received, sent);
        chain.doFilter(exchange);
      } catch (IOException | RuntimeException | Error e) {
        error = e;
        throw e;
      } finally {
        received.close();
        sent.close();
        end(exchange, op, error);
      }
    }
  }

  private Operation start(HttpExchange exchange, String name) {
    String method = exchange.getRequestMethod();
    String normalized = HttpNames.method(method);
    var builder =
        tracer
            .operation(name)
            .setSpanKind(SpanKind.SERVER)
            .setAttribute(HttpNames.METHOD, normalized)
            .setAttribute(HttpNames.URL_SCHEME, exchange instanceof HttpsExchange ? "https" : "http")
            .setAttribute(HttpNames.ROUTE, route(exchange));
    if (HttpNames.OTHER.equals(normalized)) {
      builder.setAttribute(HttpNames.METHOD_ORIGINAL, method);
    }
    String path = exchange.getRequestURI().getRawPath();
    if (path != null) {
      builder.setAttribute(HttpNames.URL_PATH, path);
    }
    String query = exchange.getRequestURI().getRawQuery();
    if (query != null) {
      builder.setAttribute(HttpNames.URL_QUERY, query);
    }
    InetSocketAddress remote = exchange.getRemoteAddress();
    if (remote != null && remote.getAddress() != null) {
      builder.setAttribute(HttpNames.CLIENT_ADDRESS, remote.getAddress().getHostAddress());
    }
    String version = HttpNames.protocolVersion(exchange.getProtocol());
    if (version != null) {
      builder.setAttribute(HttpNames.PROTOCOL_VERSION, version);
    }
    return builder.start();
  }

  private void end(HttpExchange exchange, Operation op, Throwable error) {
    try {
      int status = exchange.getResponseCode();
      if (status > 0) {
        op.setAttribute(HttpNames.STATUS_CODE, status);
      }
      if (error != null) {
        op.fail(error);
      } else if (status > 0 && HttpNames.isFailure(status, failOn4xx)) {
        op.failWithType(Integer.toString(status));
      }
    } catch (RuntimeException e) {
      logOnce("recording the exchange failed", e);
    }
  }

  @SuppressWarnings("try") // the correlation scope is held open for its side effect
  private void stepAside(HttpExchange exchange, Chain chain, String name, String transferSource)
      throws IOException {
    long start = System.nanoTime();
    Span agentSpan = Span.current(); // the agent's server span when its filter ran first
    try (CorrelationScope correlation = tracer.extract(exchange.getRequestHeaders(), HEADERS)) {
      if (agentSpan.getSpanContext().isValid()) {
        agentSpan.setAttribute(PerfAttributes.CORRELATION_ID, correlation.correlationId());
      }
      Transfer received = new NonEmptyTransfer(tracer.startTransfer(Direction.IN, transferSource));
      Transfer sent = new NonEmptyTransfer(tracer.startTransfer(Direction.OUT, transferSource));
      Throwable error = null;
      try {
        wrapStreams(exchange, received, sent);
        chain.doFilter(exchange);
      } catch (IOException | RuntimeException | Error e) {
        error = e;
        throw e;
      } finally {
        received.close();
        sent.close();
        try {
          if (agentSpan.getSpanContext().isValid()) {
            if (received.bytes() > 0) {
              agentSpan.setAttribute(PerfAttributes.BYTES_RECEIVED, received.bytes());
            }
            if (sent.bytes() > 0) {
              agentSpan.setAttribute(PerfAttributes.BYTES_SENT, sent.bytes());
            }
          }
          int status = exchange.getResponseCode();
          Duration duration = Duration.ofNanos(System.nanoTime() - start);
          if (error == null && status > 0 && HttpNames.isFailure(status, failOn4xx)) {
            // the same error.type as PerfTrace's own server span would have: the status code
            tracer.recordDurationWithErrorType(name, duration, Integer.toString(status));
          } else {
            tracer.recordDuration(name, duration, error);
          }
        } catch (RuntimeException e) {
          logOnce("recording the exchange failed", e);
        }
      }
    }
  }

  private static void wrapStreams(HttpExchange exchange, Transfer received, Transfer sent) {
    try {
      exchange.setStreams(
          ByteCounting.inputStream(exchange.getRequestBody(), received),
          ByteCounting.outputStream(exchange.getResponseBody(), sent));
    } catch (RuntimeException e) {
      logOnce("could not wrap the exchange's streams; bytes not counted", e);
    }
  }

  private static String defaultName(HttpExchange exchange) {
    String method = HttpNames.method(exchange.getRequestMethod());
    return (HttpNames.OTHER.equals(method) ? "HTTP" : method) + " " + route(exchange);
  }

  private String name(HttpExchange exchange) {
    try {
      String name = operationName.apply(exchange);
      return name == null ? defaultName(exchange) : name;
    } catch (RuntimeException e) {
      logOnce("operation name function failed; used METHOD route", e);
      return defaultName(exchange);
    }
  }

  private static String route(HttpExchange exchange) {
    return exchange.getHttpContext().getPath();
  }

  private String source(HttpExchange exchange) {
    try {
      String s = source.apply(exchange);
      return s == null ? route(exchange) : s;
    } catch (RuntimeException e) {
      logOnce("source function failed; used the route", e);
      return route(exchange);
    }
  }

  private static void logOnce(String what, Throwable e) {
    if (LOGGED.compareAndSet(false, true)) {
      LOG.log(System.Logger.Level.WARNING, "PerfTrace HTTP server filter: " + what, e);
    }
  }

  /**
   * Configures a {@link PerfTraceHttpFilter}. Setters check their argument at once and throw
   * naming the parameter.
   *
   * <p>Thread safety: not thread-safe; configure on one thread, then {@link #build()}.
   */
  public static final class Builder {
    private final PerfTracer tracer;
    private boolean failOn4xx;
    private Function<HttpExchange, String> source = PerfTraceHttpFilter::route;
    private Function<HttpExchange, String> operationName = PerfTraceHttpFilter::defaultName;

    private Builder(PerfTracer tracer) {
      this.tracer = requireNonNull(tracer, "tracer");
    }

    /** Whether a 4xx status fails the operation (default false: only 5xx does). */
    public Builder setFailOn4xx(boolean failOn4xx) {
      this.failOn4xx = failOn4xx;
      return this;
    }

    /**
     * Sets the transfer source (a bounded name) of an exchange's bytes (default: the route, the
     * context path). A function returning null or throwing falls back to the route.
     */
    public Builder setSource(Function<HttpExchange, String> source) {
      this.source = requireNonNull(source, "source");
      return this;
    }

    /**
     * Sets the operation name (span name and {@code perftrace.operation.name}; keep the set of
     * names small) of an exchange (default {@code METHOD route}, {@code GET /content/}). A
     * function returning null or throwing falls back to the default.
     */
    public Builder setOperationName(Function<HttpExchange, String> operationName) {
      this.operationName = requireNonNull(operationName, "operationName");
      return this;
    }

    /** Returns the filter. */
    public PerfTraceHttpFilter build() {
      return new PerfTraceHttpFilter(this);
    }
  }
}

package dev.perftrace.instrumentation.jdkhttp;

import static java.util.Objects.requireNonNull;

import dev.perftrace.PerfTracer;
import dev.perftrace.instrumentation.jdkhttp.internal.AgentDetection;
import dev.perftrace.instrumentation.jdkhttp.internal.ClientConfig;
import dev.perftrace.instrumentation.jdkhttp.internal.TracingHttpClient;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.function.Function;

/**
 * Instruments a JDK {@link HttpClient}: {@link #wrap} returns an {@code HttpClient} that delegates
 * everything to the given one and makes each {@code send} / {@code sendAsync} exchange a PerfTrace
 * operation.
 *
 * <p>Thread safety: this class is stateless; the returned client is thread-safe like any {@code
 * HttpClient}, and so is the {@link Builder}'s product (the builder itself is not thread-safe).
 *
 * <p>Per exchange: an operation named after the method ({@code GET}; {@code HTTP} for methods
 * outside the semantic conventions' set; see {@link Builder#setOperationName}), span kind CLIENT, attributes {@code
 * http.request.method}, {@code url.full} (user information redacted), {@code server.address},
 * {@code server.port}, at the end {@code http.response.status_code} and {@code
 * network.protocol.version}; the trace context and baggage (the correlation ID) injected into the
 * request headers through the tracer's propagators (the request is rebuilt with them); request and
 * response body bytes counted as they stream and recorded as one transfer each way, with the
 * authority ({@code host:port}) as the source by default (a direction without body bytes records no
 * transfer). The operation ends when the response
 * and its body are done: at once for bodies read in full ({@code ofString}, {@code ofByteArray},
 * {@code discarding}), when the body is read to its end, fails or is cancelled for streamed
 * bodies ({@code ofInputStream}: read it to the end or close it). A 5xx status fails the
 * operation with {@code error.type} = the status code; 4xx is a success unless {@link
 * Builder#setFailOn4xx}. Transport errors are recorded and thrown or returned unchanged. {@code
 * sendAsync} returns a future completed after the exchange was recorded; cancelling it cancels the
 * exchange (outcome {@code cancelled}).
 *
 * <p>Under the OpenTelemetry Java agent, whose own instrumentation makes a CLIENT span for every
 * JDK HttpClient exchange, this client steps aside: it starts no span and injects no headers (the
 * agent does both), and records the operation duration and the body bytes as metrics only. The
 * agent is detected once, by whether a JDK {@code HttpRequest} built with a span current carries
 * injected headers.
 */
public final class PerfTraceHttpClient {

  private PerfTraceHttpClient() {}

  /**
   * Returns {@code client} instrumented with {@code tracer} and the default settings.
   *
   * @throws NullPointerException naming {@code client} or {@code tracer} when null
   */
  public static HttpClient wrap(HttpClient client, PerfTracer tracer) {
    return builder(client, tracer).build();
  }

  /**
   * Returns a builder for {@code client} instrumented with {@code tracer}.
   *
   * @throws NullPointerException naming {@code client} or {@code tracer} when null
   */
  public static Builder builder(HttpClient client, PerfTracer tracer) {
    return new Builder(client, tracer);
  }

  /**
   * Configures an instrumented client. Setters check their argument at once and throw naming the
   * parameter.
   *
   * <p>Thread safety: not thread-safe; configure on one thread, then {@link #build()}.
   */
  public static final class Builder {
    private final HttpClient client;
    private final PerfTracer tracer;
    private boolean failOn4xx;
    private Function<HttpRequest, String> source = ClientConfig::authority;
    private Function<HttpRequest, String> operationName = ClientConfig::methodName;

    private Builder(HttpClient client, PerfTracer tracer) {
      this.client = requireNonNull(client, "client");
      this.tracer = requireNonNull(tracer, "tracer");
    }

    /** Whether a 4xx status fails the operation (default false: only 5xx does). */
    public Builder setFailOn4xx(boolean failOn4xx) {
      this.failOn4xx = failOn4xx;
      return this;
    }

    /**
     * Sets the transfer source (a bounded peer name) of a request's bytes (default {@code
     * host:port}). A function returning null or throwing falls back to the default.
     */
    public Builder setSource(Function<HttpRequest, String> source) {
      this.source = requireNonNull(source, "source");
      return this;
    }

    /**
     * Sets the operation name (span name and {@code perftrace.operation.name}; keep the set of
     * names small) of a request (default: the method, {@code GET}, or {@code HTTP} for methods
     * outside the semantic conventions' set). A function returning null or throwing falls back to
     * the default.
     */
    public Builder setOperationName(Function<HttpRequest, String> operationName) {
      this.operationName = requireNonNull(operationName, "operationName");
      return this;
    }

    /** Returns the instrumented client. */
    public HttpClient build() {
      return new TracingHttpClient(
          client,
          new ClientConfig(
              tracer, failOn4xx, source, operationName, AgentDetection.clientInstrumented()));
    }
  }
}

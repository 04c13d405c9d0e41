package dev.perftrace.instrumentation.jdkhttp.internal;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;

/**
 * Detects the OpenTelemetry Java agent's own instrumentation of the JDK HTTP client and server, so
 * that PerfTrace steps aside instead of making a second span for the same exchange. Internal: not
 * API.
 *
 * <p>Thread safety: the client probe runs once (class initialization); the server check reads
 * only the exchange.
 */
public final class AgentDetection {

  private AgentDetection() {}

  /**
   * Whether the agent's {@code java-http-client} instrumentation is active: it injects the current
   * context into the headers of every JDK {@code HttpRequest}, so a request built here, with a
   * valid span current and no header of its own, shows an injected header.
   */
  public static boolean clientInstrumented() {
    return ClientProbe.INSTRUMENTED;
  }

  private static final class ClientProbe {
    static final boolean INSTRUMENTED = probe();

    @SuppressWarnings("try") // the probe context is held current for its side effect
    private static boolean probe() {
      SpanContext probe =
          SpanContext.create(
              "0af7651916cd43dd8448eb211c80319c",
              "b7ad6b7169203331",
              TraceFlags.getSampled(),
              TraceState.getDefault());
      try (Scope ignored = Context.root().with(Span.wrap(probe)).makeCurrent()) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1/")).build();
        return !request.headers().map().isEmpty();
      } catch (RuntimeException e) {
        return false;
      }
    }
  }

  /**
   * Whether another OpenTelemetry instrumentation serves this exchange: a span is already current
   * when the exchange reaches the filter (the agent's filter runs before it and made its server
   * span current), or the context has an OpenTelemetry filter (the agent's, after this one).
   */
  public static boolean serverInstrumented(HttpExchange exchange, Filter self) {
    if (Span.current().getSpanContext().isValid()) {
      return true;
    }
    List<Filter> filters = exchange.getHttpContext().getFilters();
    for (Filter filter : filters) {
      if (filter != self && filter.getClass().getName().startsWith("io.opentelemetry.")) {
        return true;
      }
    }
    return false;
  }
}

package dev.perftrace.instrumentation.jdkhttp.internal;

import dev.perftrace.PerfTracer;
import java.net.http.HttpRequest;
import java.util.function.Function;

/**
 * The settings of a traced client. Internal: not API.
 *
 * <p>Thread safety: immutable.
 */
public final class ClientConfig {
  final PerfTracer tracer;
  final boolean failOn4xx;
  final Function<HttpRequest, String> source;
  final Function<HttpRequest, String> operationName;
  final boolean stepAside;

  /** Settings; {@code stepAside}: the agent instruments the JDK client, make no span. */
  public ClientConfig(
      PerfTracer tracer,
      boolean failOn4xx,
      Function<HttpRequest, String> source,
      Function<HttpRequest, String> operationName,
      boolean stepAside) {
    this.tracer = tracer;
    this.failOn4xx = failOn4xx;
    this.source = source;
    this.operationName = operationName;
    this.stepAside = stepAside;
  }

  /** The default operation name: the method, or {@code HTTP} for an unknown one. */
  public static String methodName(HttpRequest request) {
    String method = HttpNames.method(request.method());
    return HttpNames.OTHER.equals(method) ? "HTTP" : method;
  }

  /** The default source: the request's authority, {@code host:port}. */
  public static String authority(HttpRequest request) {
    return request.uri().getHost() + ":" + HttpNames.port(request.uri());
  }
}

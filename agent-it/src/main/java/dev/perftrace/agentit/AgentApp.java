package dev.perftrace.agentit;

import com.sun.net.httpserver.HttpServer;
import dev.perftrace.CorrelationScope;
import dev.perftrace.Direction;
import dev.perftrace.Operation;
import dev.perftrace.PerfTracer;
import dev.perftrace.TieredCache;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * The application {@code AgentIT} runs in its own JVM under the OpenTelemetry Java agent: the way
 * a service uses PerfTrace with {@code GlobalOpenTelemetry}. Inside one correlation scope, {@code
 * outer} contains {@code inner}, which calls a loopback JDK {@code HttpServer} with the JDK {@code
 * HttpClient} (both instrumented by the agent), records the 5 response bytes and one cache lookup
 * (memory miss, disk hit); {@code outer} then records 7 bytes sent. It prints what it saw as
 * {@code key=value} lines on standard output for the test.
 *
 * <p>Thread safety: a single-threaded program.
 */
public final class AgentApp {
  /** The correlation ID the application opens its scope with. */
  public static final String CORRELATION_ID = "agent-it-42";

  /** The response body of the loopback server. */
  static final byte[] BODY = "hello".getBytes(StandardCharsets.US_ASCII);

  private AgentApp() {}

  /** Runs the scenario once and exits; a non-zero exit status means it threw. */
  @SuppressWarnings("try") // the correlation scope is only held open
  public static void main(String[] args) throws IOException, InterruptedException {
    PrintStream out = System.out;
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/hello",
        exchange -> {
          exchange.sendResponseHeaders(200, BODY.length);
          try (OutputStream body = exchange.getResponseBody()) {
            body.write(BODY);
          }
        });
    server.start();
    try {
      PerfTracer tracer = PerfTracer.create(GlobalOpenTelemetry.get(), "dev.perftrace.agentit");
      TieredCache cache = tracer.cache("content", "memory", "disk");
      HttpClient client = HttpClient.newHttpClient();
      URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hello");
      try (CorrelationScope scope = tracer.correlate(CORRELATION_ID);
          Operation outer = tracer.start("outer")) {
        out.println("outer.current.trace_id=" + Span.current().getSpanContext().getTraceId());
        out.println("outer.current.span_id=" + Span.current().getSpanContext().getSpanId());
        try (Operation inner = tracer.start("inner")) {
          out.println("inner.current.trace_id=" + Span.current().getSpanContext().getTraceId());
          out.println("inner.current.span_id=" + Span.current().getSpanContext().getSpanId());
          HttpResponse<byte[]> response =
              client.send(
                  HttpRequest.newBuilder(uri).GET().build(),
                  HttpResponse.BodyHandlers.ofByteArray());
          out.println("http.status=" + response.statusCode());
          tracer.recordBytes(Direction.IN, "loopback", response.body().length);
          cache.recordLookup("disk");
        }
        tracer.recordBytes(Direction.OUT, "loopback", 7);
      }
      out.println("done=true");
    } finally {
      server.stop(0);
    }
  }
}

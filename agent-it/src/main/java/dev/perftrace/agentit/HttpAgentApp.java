package dev.perftrace.agentit;

import com.sun.net.httpserver.HttpServer;
import dev.perftrace.CorrelationScope;
import dev.perftrace.Operation;
import dev.perftrace.PerfTracer;
import dev.perftrace.instrumentation.jdkhttp.PerfTraceHttpClient;
import dev.perftrace.instrumentation.jdkhttp.PerfTraceHttpFilter;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * The application {@code HttpAgentIT} runs under the OpenTelemetry Java agent with PerfTrace's own
 * JDK HTTP instrumentation on both sides: a loopback {@code HttpServer} whose context has {@link
 * PerfTraceHttpFilter} (its handler runs the operation {@code handle}), and a {@link
 * PerfTraceHttpClient}-wrapped {@code HttpClient} that POSTs {@value #REQUEST_BYTES} bytes inside
 * the operation {@code outer} and a correlation scope; the server answers {@value
 * #RESPONSE_BYTES} bytes. Prints {@code key=value} lines for the test.
 *
 * <p>Thread safety: a single-threaded program (the server uses its default dispatcher thread).
 */
public final class HttpAgentApp {
  /** The correlation ID of the request. */
  public static final String CORRELATION_ID = "http-agent-7";
  /** Request body size. */
  public static final int REQUEST_BYTES = 1234;
  /** Response body size. */
  public static final int RESPONSE_BYTES = 4321;

  private HttpAgentApp() {}

  /** Runs the scenario once and exits; a non-zero exit status means it threw. */
  @SuppressWarnings("try") // scopes held open for their side effect
  public static void main(String[] args) throws IOException, InterruptedException {
    PrintStream out = System.out;
    PerfTracer serverTracer = PerfTracer.create(GlobalOpenTelemetry.get(), "dev.perftrace.agentit.server");
    PerfTracer clientTracer = PerfTracer.create(GlobalOpenTelemetry.get(), "dev.perftrace.agentit.client");
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server
        .createContext(
            "/echo",
            exchange -> {
              try (Operation handle = serverTracer.start("handle")) {
                try (InputStream in = exchange.getRequestBody()) {
                  in.readAllBytes();
                }
                exchange.sendResponseHeaders(200, RESPONSE_BYTES);
                try (OutputStream body = exchange.getResponseBody()) {
                  body.write(new byte[RESPONSE_BYTES]);
                }
              }
            })
        .getFilters()
        .add(PerfTraceHttpFilter.create(serverTracer));
    server.start();
    out.println("server.port=" + server.getAddress().getPort());
    try {
      HttpClient client = PerfTraceHttpClient.wrap(HttpClient.newHttpClient(), clientTracer);
      URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/echo");
      try (CorrelationScope scope = clientTracer.correlate(CORRELATION_ID);
          Operation outer = clientTracer.start("outer")) {
        out.println("outer.trace_id=" + Span.current().getSpanContext().getTraceId());
        HttpResponse<byte[]> response =
            client.send(
                HttpRequest.newBuilder(uri)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[REQUEST_BYTES]))
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        out.println("http.status=" + response.statusCode());
        out.println("http.body_bytes=" + response.body().length);
      }
      out.println("done=true");
    } finally {
      server.stop(0);
    }
  }
}

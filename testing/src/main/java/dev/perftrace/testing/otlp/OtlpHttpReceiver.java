package dev.perftrace.testing.otlp;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.InvalidProtocolBufferException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.metrics.v1.Metric;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * A real OTLP/HTTP (protobuf) receiver for tests on the JDK's {@code com.sun.net.httpserver}: it
 * listens on an ephemeral loopback port, decodes {@code POST /v1/traces} and {@code POST
 * /v1/metrics} bodies (gzip-aware, by {@code Content-Encoding}) and keeps them for assertions. It
 * can be switched to answer 503 or to hang (see {@link ReceiverBehavior}). As the OTLP/HTTP
 * specification asks of a server, a method other than {@code POST} gets 405, a {@code
 * Content-Type} other than {@code application/x-protobuf} 415 (this receiver decodes no JSON),
 * and a body that does not parse 400; none of them is recorded (all are counted in {@link
 * #attempts()}).
 *
 * <p>Thread safety: safe for concurrent use; requests are recorded from server threads (at most
 * four) and read from the test thread. Accessors return snapshots.
 */
public final class OtlpHttpReceiver implements AutoCloseable {

  private static final int THREADS = 4;
  private static final long MAX_HANG_MILLIS = 60_000;

  private final ReceiverState state = new ReceiverState();
  private final HttpServer server;
  private final ExecutorService executor;

  private OtlpHttpReceiver() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the OTLP/HTTP receiver", e);
    }
    executor =
        Executors.newFixedThreadPool(
            THREADS,
            r -> {
              Thread t = new Thread(r, "otlp-http-receiver");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/v1/traces", exchange -> handle(exchange, true));
    server.createContext("/v1/metrics", exchange -> handle(exchange, false));
    server.start();
  }

  /** Starts a receiver on an ephemeral loopback port. */
  public static OtlpHttpReceiver start() {
    return new OtlpHttpReceiver();
  }

  /** Returns the bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Returns the base endpoint, {@code http://127.0.0.1:PORT} (append {@code /v1/traces}). */
  public String endpoint() {
    return "http://127.0.0.1:" + port();
  }

  /** Changes how the next requests are answered; leaving HANG releases the hanging requests. */
  public void setBehavior(ReceiverBehavior behavior) {
    requireNonNull(behavior, "behavior");
    state.setBehavior(behavior);
  }

  /** Returns the trace export requests accepted so far, in arrival order. */
  public List<ExportTraceServiceRequest> traceRequests() {
    return state.traceRequests();
  }

  /** Returns the metric export requests accepted so far, in arrival order. */
  public List<ExportMetricsServiceRequest> metricRequests() {
    return state.metricRequests();
  }

  /** Returns every accepted span, flattened, in arrival order. */
  public List<ReceivedSpan> spans() {
    return state.spans();
  }

  /** Returns every accepted metric, in arrival order. */
  public List<Metric> metrics() {
    return state.metrics();
  }

  /** Returns the sorted names of the accepted metrics. */
  public Set<String> metricNames() {
    return state.metricNames();
  }

  /** Returns the request headers (names in lower case) of every request, in arrival order. */
  public List<Map<String, String>> requestHeaders() {
    return state.headers();
  }

  /** Returns how many export requests arrived, whatever the answer. */
  public int attempts() {
    return state.attempts();
  }

  /** Forgets everything received so far. */
  public void clear() {
    state.clear();
  }

  /** Stops the server, releasing hanging requests. */
  @Override
  public void close() {
    state.close();
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "OtlpHttpReceiver{endpoint=" + endpoint() + "}";
  }

  /** {@code application/x-protobuf}, parameters allowed, media type case-insensitive. */
  static boolean isProtobuf(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semicolon = contentType.indexOf(';');
    String type = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
    return "application/x-protobuf".equalsIgnoreCase(type.trim());
  }

  private void handle(HttpExchange exchange, boolean traces) throws IOException {
    try (exchange) {
      Map<String, String> headers = new LinkedHashMap<>();
      exchange
          .getRequestHeaders()
          .forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
      state.addHeaders(headers);
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      if (!"POST".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      if (!isProtobuf(headers.get("content-type"))) {
        exchange.sendResponseHeaders(415, -1);
        return;
      }
      ReceiverBehavior behavior = state.behavior();
      if (behavior == ReceiverBehavior.HANG) {
        try {
          state.awaitHangReleased(MAX_HANG_MILLIS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        exchange.sendResponseHeaders(503, -1);
        return;
      }
      if (behavior == ReceiverBehavior.UNAVAILABLE) {
        exchange.sendResponseHeaders(503, -1);
        return;
      }
      if ("gzip".equalsIgnoreCase(headers.get("content-encoding"))) {
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(body))) {
          body = in.readAllBytes();
        }
      }
      byte[] response;
      try {
        if (traces) {
          state.addTraces(ExportTraceServiceRequest.parseFrom(body));
          response = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
        } else {
          state.addMetrics(ExportMetricsServiceRequest.parseFrom(body));
          response = ExportMetricsServiceResponse.getDefaultInstance().toByteArray();
        }
      } catch (InvalidProtocolBufferException e) {
        exchange.sendResponseHeaders(400, -1);
        return;
      }
      exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, response.length == 0 ? -1 : response.length);
      if (response.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(response);
        }
      }
    }
  }
}

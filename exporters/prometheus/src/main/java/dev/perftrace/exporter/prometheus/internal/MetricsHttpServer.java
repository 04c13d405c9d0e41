package dev.perftrace.exporter.prometheus.internal;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;

/**
 * The exporter's HTTP endpoint: the JDK's {@code com.sun.net.httpserver} serving one {@link
 * CollectorRegistry} with simpleclient's own content negotiation ({@link
 * TextFormat#chooseContentType}) and writers ({@link TextFormat#writeFormat}). It answers the same
 * paths as simpleclient's {@code HTTPServer} ({@code /metrics}, {@code /}, {@code /-/healthy}),
 * but writes through a buffered writer: simpleclient's handler writes
 * every character of every label value through an unbuffered {@code OutputStreamWriter}, which
 * allocated about 30 times more per scrape (59 MB against 1.8 MB for 1,000 histogram series).
 * Not API.
 *
 * <p>Thread safety: safe for concurrent use; requests run on a small pool of daemon threads.
 */
public final class MetricsHttpServer implements AutoCloseable {

  /** Body of the health path, as simpleclient's HTTPServer answers it. */
  public static final String HEALTHY = "Exporter is Healthy.";

  private static final int THREADS = 2;
  private static final int WRITE_BUFFER_CHARS = 16 * 1024;
  private static final AtomicInteger SERVERS = new AtomicInteger();
  private static final int MAX_RETAINED_BUFFER_BYTES = 4 * 1024 * 1024;

  /**
   * One response buffer per server thread, reused between scrapes; a buffer that grew beyond
   * {@link #MAX_RETAINED_BUFFER_BYTES} is dropped after its request instead of being retained.
   */
  private static final ThreadLocal<ByteArrayOutputStream> BUFFERS =
      ThreadLocal.withInitial(() -> new ByteArrayOutputStream(64 * 1024));

  private final HttpServer server;
  private final ExecutorService executor;
  private final CollectorRegistry registry;

  private MetricsHttpServer(HttpServer server, ExecutorService executor, CollectorRegistry registry) {
    this.server = server;
    this.executor = executor;
    this.registry = registry;
  }

  /**
   * Binds {@code host:port} and starts serving {@code registry}.
   *
   * @throws IOException if the address cannot be bound
   */
  public static MetricsHttpServer start(String host, int port, CollectorRegistry registry)
      throws IOException {
    requireNonNull(host, "host");
    requireNonNull(registry, "registry");
    InetSocketAddress address = new InetSocketAddress(host, port);
    if (address.isUnresolved()) {
      throw new UnknownHostException(host);
    }
    HttpServer server = HttpServer.create(address, 16);
    int serverNumber = SERVERS.incrementAndGet();
    AtomicInteger threadNumber = new AtomicInteger();
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(
            THREADS,
            THREADS,
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            runnable -> {
              Thread thread =
                  new Thread(
                      runnable,
                      "perftrace-prometheus-http-"
                          + serverNumber
                          + "-"
                          + threadNumber.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    executor.allowCoreThreadTimeOut(true);
    MetricsHttpServer result = new MetricsHttpServer(server, executor, registry);
    server.createContext("/", result::handleMetrics);
    server.createContext("/metrics", result::handleMetrics);
    server.createContext("/-/healthy", MetricsHttpServer::handleHealthy);
    server.setExecutor(executor);
    server.start();
    return result;
  }

  /** Returns the bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Stops accepting requests and releases the threads. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private static void handleHealthy(HttpExchange exchange) throws IOException {
    try {
      byte[] body = HEALTHY.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
      boolean head = "HEAD".equals(exchange.getRequestMethod());
      exchange.sendResponseHeaders(200, head ? -1 : body.length);
      if (!head) {
        exchange.getResponseBody().write(body);
      }
    } finally {
      exchange.close();
    }
  }

  private void handleMetrics(HttpExchange exchange) throws IOException {
    ByteArrayOutputStream buffer = BUFFERS.get();
    boolean sent = false;
    try {
      String contentType =
          TextFormat.chooseContentType(exchange.getRequestHeaders().getFirst("Accept"));
      Set<String> names = requestedNames(exchange.getRequestURI().getRawQuery());
      Enumeration<MetricFamilySamples> families =
          names.isEmpty()
              ? registry.metricFamilySamples()
              : registry.filteredMetricFamilySamples(names);
      exchange.getResponseHeaders().set("Content-Type", contentType);
      if ("HEAD".equals(exchange.getRequestMethod())) {
        sent = true;
        exchange.sendResponseHeaders(200, -1);
        return;
      }
      boolean gzip = acceptsGzip(exchange.getRequestHeaders().get("Accept-Encoding"));
      buffer.reset();
      OutputStream target = gzip ? new GZIPOutputStream(buffer, 8192) : buffer;
      try (Writer writer =
          new BufferedWriter(
              new OutputStreamWriter(target, StandardCharsets.UTF_8), WRITE_BUFFER_CHARS)) {
        TextFormat.writeFormat(contentType, writer, families);
      }
      if (gzip) {
        exchange.getResponseHeaders().set("Content-Encoding", "gzip");
      }
      // A fixed length, not chunked: chunked responses end with a small separate write that
      // Nagle's algorithm and delayed ACKs can hold back for tens of milliseconds.
      sent = true;
      exchange.sendResponseHeaders(200, buffer.size());
      buffer.writeTo(exchange.getResponseBody());
    } catch (RuntimeException e) {
      if (!sent) {
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(500, -1);
      }
      throw e;
    } finally {
      if (buffer.size() > MAX_RETAINED_BUFFER_BYTES) {
        BUFFERS.remove();
      }
      exchange.close();
    }
  }

  private static boolean acceptsGzip(List<String> acceptEncoding) {
    if (acceptEncoding == null) {
      return false;
    }
    for (String header : acceptEncoding) {
      for (String encoding : header.split(",")) {
        if ("gzip".equalsIgnoreCase(encoding.split(";")[0].trim())) {
          return true;
        }
      }
    }
    return false;
  }

  /** Returns the values of the {@code name[]} query parameters (simpleclient's filter). */
  static Set<String> requestedNames(String rawQuery) {
    Set<String> names = new HashSet<>();
    if (rawQuery == null) {
      return names;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0
          && "name[]".equals(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8))) {
        names.add(URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return names;
  }
}

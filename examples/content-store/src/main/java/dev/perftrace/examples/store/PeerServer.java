package dev.perftrace.examples.store;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.perftrace.Operation;
import dev.perftrace.PerfTracer;
import dev.perftrace.examples.store.internal.Bodies;
import dev.perftrace.examples.store.internal.Keys;
import dev.perftrace.examples.store.internal.LruMemory;
import dev.perftrace.instrumentation.jdkhttp.PerfTraceHttpFilter;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A remote peer of {@link ContentStore}: a small HTTP server on 127.0.0.1 that serves content
 * ({@code GET /content/{key}}: 200 with the bytes or 404) and accepts it ({@code PUT
 * /content/{key}}: 204), holding it in a bounded LRU memory.
 *
 * <p>Thread safety: safe for concurrent use; requests are served by a small fixed pool of daemon
 * threads.
 *
 * <p>Instrumented with its own PerfTrace tracer (scope {@value #INSTRUMENTATION_SCOPE}) through
 * {@code PerfTraceHttpFilter}: each request continues the caller's trace and correlation ID from
 * the W3C {@code traceparent} and {@code baggage} headers, and runs as the operation {@code
 * peer.serve} (GET) or {@code peer.store} (PUT), whose span is a child of the client's {@code
 * peer.fetch} or {@code peer.push} span. Body bytes are recorded per direction with the client's
 * name (the {@value ContentStore#CLIENT_HEADER} header, else {@code unknown}) as the source.
 */
public final class PeerServer implements AutoCloseable {

  /** Instrumentation scope name of the peer's tracer. */
  public static final String INSTRUMENTATION_SCOPE = "dev.perftrace.examples.store.peer";

  static final String CONTENT_PATH = "/content/";
  private static final String UNKNOWN_CLIENT = "unknown";

  private final String name;
  private final PerfTracer tracer;
  private final LruMemory content;
  private final long maxContentBytes;
  private final Function<String, Duration> delayForKey;
  private final HttpServer server;
  private final ExecutorService executor;
  private final AtomicBoolean closed = new AtomicBoolean();

  private PeerServer(Builder builder) throws IOException {
    this.name = builder.name;
    this.tracer = PerfTracer.create(builder.openTelemetry, INSTRUMENTATION_SCOPE);
    this.content = new LruMemory(builder.capacityBytes);
    this.maxContentBytes = builder.maxContentBytes;
    this.delayForKey = builder.delayForKey;
    this.server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), builder.port), 0);
    this.executor = Executors.newFixedThreadPool(builder.threads, daemonThreads(name));
    server.setExecutor(executor);
    // an operation per request (peer.serve / peer.store), the caller's trace and correlation ID
    // from the headers, body bytes per direction with the client's name as the source
    server
        .createContext(CONTENT_PATH, this::handle)
        .getFilters()
        .add(
            PerfTraceHttpFilter.builder(tracer)
                .setOperationName(e -> "GET".equals(e.getRequestMethod()) ? "peer.serve" : "peer.store")
                .setSource(PeerServer::client)
                .build());
    server.start();
  }

  /** Returns a builder for a peer whose spans and metrics go to {@code openTelemetry}. */
  public static Builder builder(OpenTelemetry openTelemetry) {
    return new Builder(openTelemetry);
  }

  private static String client(HttpExchange exchange) {
    String client = exchange.getRequestHeaders().getFirst(ContentStore.CLIENT_HEADER);
    return client == null || client.isBlank() ? UNKNOWN_CLIENT : client;
  }

  /** Returns the peer name. */
  public String name() {
    return name;
  }

  /** Returns the bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Returns the base URI, {@code http://127.0.0.1:port/}. */
  public URI uri() {
    return URI.create("http://" + server.getAddress().getHostString() + ":" + port() + "/");
  }

  /** Returns this server as a {@link RemotePeer} for {@link ContentStore.Builder#addPeer}. */
  public RemotePeer remotePeer() {
    return RemotePeer.of(name, uri());
  }

  /** Stores {@code bytes} under {@code key} directly (seeding; not recorded as a request). */
  public void seed(String key, byte[] bytes) {
    Keys.check(key);
    requireNonNull(bytes, "bytes");
    content.put(key, bytes.clone());
  }

  /** Returns whether the peer currently holds {@code key}. */
  public boolean contains(String key) {
    return content.get(Keys.check(key)) != null;
  }

  /** Stops accepting requests and stops the worker threads. Closing twice is a no-op. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String key = exchange.getRequestURI().getPath().substring(CONTENT_PATH.length());
      Operation op = tracer.currentOperation(); // the filter's peer.serve / peer.store
      op.setAttribute("content.peer", name);
      op.setAttribute("content.key", key);
      String method = exchange.getRequestMethod();
      if (!"GET".equals(method) && !"PUT".equals(method)) {
        exchange.getResponseHeaders().set("Allow", "GET, PUT");
        exchange.sendResponseHeaders(405, -1);
      } else if (!Keys.isValid(key)) {
        exchange.sendResponseHeaders(400, -1);
      } else if ("GET".equals(method)) {
        serve(exchange, key);
      } else {
        store(exchange, key);
      }
    }
  }

  private void serve(HttpExchange exchange, String key) throws IOException {
    delay(key);
    byte[] bytes = content.get(key);
    if (bytes == null) {
      exchange.sendResponseHeaders(404, -1);
      return;
    }
    exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
    exchange.sendResponseHeaders(200, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private void store(HttpExchange exchange, String key) throws IOException {
    byte[] bytes;
    try (InputStream in = exchange.getRequestBody()) {
      bytes = Bodies.read(in, maxContentBytes);
    } catch (Bodies.BodyTooLargeException e) {
      exchange.sendResponseHeaders(413, -1);
      return;
    }
    content.put(key, bytes);
    exchange.sendResponseHeaders(204, -1);
  }

  private void delay(String key) {
    Duration delay = delayForKey.apply(key);
    if (delay != null && !delay.isZero() && !delay.isNegative()) {
      try {
        Thread.sleep(delay.toMillis()); // simulated slow storage on the server's own thread
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static ThreadFactory daemonThreads(String name) {
    AtomicInteger counter = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, "peer-" + name + "-" + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /**
   * Builds and starts a {@link PeerServer}. Setters check their argument at once and throw naming
   * the parameter.
   *
   * <p>Thread safety: not thread-safe; configure on one thread, then {@link #start()}.
   */
  public static final class Builder {
    private final OpenTelemetry openTelemetry;
    private String name = "peer";
    private int port;
    private int threads = 4;
    private long capacityBytes = 64L * 1024 * 1024;
    private long maxContentBytes = 16L * 1024 * 1024;
    private Function<String, Duration> delayForKey = key -> Duration.ZERO;

    private Builder(OpenTelemetry openTelemetry) {
      this.openTelemetry = requireNonNull(openTelemetry, "openTelemetry");
    }

    /** Sets the peer name (default {@code peer}). */
    public Builder setName(String name) {
      requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("name must not be blank");
      }
      this.name = name;
      return this;
    }

    /** Sets the port on 127.0.0.1 (default 0: an ephemeral port). */
    public Builder setPort(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be in 0..65535, was " + port);
      }
      this.port = port;
      return this;
    }

    /** Sets the number of request threads (default 4). */
    public Builder setThreads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be at least 1, was " + threads);
      }
      this.threads = threads;
      return this;
    }

    /** Sets the content capacity in bytes; least recently used content is evicted (64 MiB). */
    public Builder setCapacityBytes(long capacityBytes) {
      if (capacityBytes < 1) {
        throw new IllegalArgumentException("capacityBytes must be at least 1, was " + capacityBytes);
      }
      this.capacityBytes = capacityBytes;
      return this;
    }

    /** Sets the largest accepted PUT body; larger bodies get 413 (default 16 MiB). */
    public Builder setMaxContentBytes(long maxContentBytes) {
      if (maxContentBytes < 1) {
        throw new IllegalArgumentException(
            "maxContentBytes must be at least 1, was " + maxContentBytes);
      }
      this.maxContentBytes = maxContentBytes;
      return this;
    }

    /**
     * Sets a simulated storage delay per GET key (default none), spent on the server's request
     * thread before answering; used by the demo to make some operations slow.
     */
    public Builder setServeDelay(Function<String, Duration> delayForKey) {
      this.delayForKey = requireNonNull(delayForKey, "delayForKey");
      return this;
    }

    /**
     * Binds 127.0.0.1 and starts serving.
     *
     * @throws UncheckedIOException when the port cannot be bound
     */
    public PeerServer start() {
      try {
        return new PeerServer(this);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot bind 127.0.0.1:" + port + " for peer " + name + ": " + e.getMessage(), e);
      }
    }
  }
}

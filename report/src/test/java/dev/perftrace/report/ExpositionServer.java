package dev.perftrace.report;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A real HTTP scrape endpoint on a free loopback port: serves {@code /metrics} with the body the
 * given function returns for the n-th request (1-based).
 */
final class ExpositionServer implements AutoCloseable {

  static final String TEXT_004 = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();

  private ExpositionServer(HttpServer server) {
    this.server = server;
  }

  static ExpositionServer serving(String contentType, int status, IntFunction<String> body) {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      ExpositionServer result = new ExpositionServer(server);
      server.createContext(
          "/metrics",
          exchange -> {
            byte[] bytes =
                body.apply(result.requests.incrementAndGet()).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", contentType);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(bytes);
            }
          });
      server.start();
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ExpositionServer serving(IntFunction<String> body) {
    return serving(TEXT_004, 200, body);
  }

  URI metrics() {
    return URI.create("http://127.0.0.1:" + port() + "/metrics");
  }

  int port() {
    return server.getAddress().getPort();
  }

  int requests() {
    return requests.get();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}

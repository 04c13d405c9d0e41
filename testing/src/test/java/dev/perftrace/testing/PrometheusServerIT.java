package dev.perftrace.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PrometheusServerIT {

  @Test
  void start_scrapesTargetAndAnswersQueries() throws Exception {
    HttpServer target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    byte[] body =
        "# TYPE harness_probe_total counter\nharness_probe_total{kind=\"a\"} 42\n"
            .getBytes(StandardCharsets.UTF_8);
    target.createContext(
        "/metrics",
        exchange -> {
          exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    target.start();
    try (PrometheusServer prometheus =
        PrometheusServer.builder()
            .addTarget("127.0.0.1:" + target.getAddress().getPort())
            .start()) {
      prometheus.awaitTargetsUp(Duration.ofSeconds(30));

      assertThat(prometheus.awaitValue("harness_probe_total{kind=\"a\"}", Duration.ofSeconds(10)))
          .isEqualTo(42.0);
      assertThat(prometheus.metricNames()).contains("harness_probe_total", "up");
    } finally {
      target.stop(0);
    }
  }
}

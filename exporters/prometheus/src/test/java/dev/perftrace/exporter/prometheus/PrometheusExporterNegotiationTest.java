package dev.perftrace.exporter.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * HTTP negotiation of the built-in endpoint, over raw sockets so that header lines, q-values and
 * HEAD go on the wire exactly as written.
 */
class PrometheusExporterNegotiationTest {

  private static final String OPENMETRICS =
      "application/openmetrics-text; version=1.0.0; charset=utf-8";
  private static final String TEXT_004 = "text/plain; version=0.0.4; charset=utf-8";

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "application/openmetrics-text;q=0 | text004",
        "application/openmetrics-text;q=0,text/plain;q=0.5 | text004",
        "application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.9 | text004",
        "application/openmetrics-text;version=1.0.0;q=0.9,text/plain;version=0.0.4;q=0.5 | om",
        "application/openmetrics-text;version=2.0.0,text/plain;q=0.1 | text004",
        "application/openmetrics-text; version=\"1.0.0\" | om",
        "application/openmetrics-text;version=1.0.0;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2 | om",
        "text/plain | text004",
        "*/* | text004",
      })
  void metrics_acceptQualityAndVersion_honoured(String accept, String expected) throws Exception {
    try (Fixture f = new Fixture(PrometheusExporter.builder().setPort(0).build())) {
      f.meter("s").counterBuilder("hits").build().add(1);

      Response response = request(f.exporter.port(), "GET", List.of("Accept: " + accept));

      assertThat(response.status).isEqualTo(200);
      assertThat(response.headers.get("content-type"))
          .isEqualTo("om".equals(expected) ? OPENMETRICS : TEXT_004);
      assertThat(response.body.endsWith("# EOF\n")).isEqualTo("om".equals(expected));
    }
  }

  @Test
  void metrics_openMetricsOnSecondAcceptLine_openMetrics() throws Exception {
    try (Fixture f = new Fixture(PrometheusExporter.builder().setPort(0).build())) {
      f.meter("s").counterBuilder("hits").build().add(1);

      Response response =
          request(
              f.exporter.port(),
              "GET",
              List.of("Accept: text/plain;version=0.0.4;q=0.3",
                  "Accept: application/openmetrics-text;version=1.0.0;q=0.9"));

      assertThat(response.headers.get("content-type")).isEqualTo(OPENMETRICS);
    }
  }

  @Test
  void metrics_gzipQualityZero_notCompressed() throws Exception {
    try (Fixture f = new Fixture(PrometheusExporter.builder().setPort(0).build())) {
      f.meter("s").counterBuilder("hits").build().add(1);

      Response response =
          request(f.exporter.port(), "GET", List.of("Accept-Encoding: gzip;q=0, identity"));

      assertThat(response.headers).doesNotContainKey("content-encoding");
      assertThat(response.body).contains("hits_total{");
    }
  }

  @Test
  void metrics_head_headersWithoutCollecting() throws Exception {
    AtomicInteger callbacks = new AtomicInteger();
    try (Fixture f = new Fixture(PrometheusExporter.builder().setPort(0).build())) {
      f.meter("s").gaugeBuilder("g").buildWithCallback(m -> {
        callbacks.incrementAndGet();
        m.record(1);
      });
      Response get = request(f.exporter.port(), "GET", List.of());
      int afterGet = callbacks.get();

      Response head = request(f.exporter.port(), "HEAD", List.of());

      assertThat(afterGet).isEqualTo(1);
      assertThat(callbacks.get()).isEqualTo(afterGet);
      assertThat(head.status).isEqualTo(200);
      assertThat(head.headers.get("content-type")).isEqualTo(TEXT_004);
      assertThat(head.headers.get("content-length"))
          .isEqualTo(Integer.toString(get.body.getBytes(StandardCharsets.UTF_8).length));
      assertThat(head.body).isEmpty();
    }
  }

  private record Response(int status, Map<String, String> headers, String body) {}

  /** Sends one HTTP/1.1 request with {@code Connection: close} and reads the whole answer. */
  private static Response request(int port, String method, List<String> headerLines)
      throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(10_000);
      StringBuilder request = new StringBuilder(method + " /metrics HTTP/1.1\r\n");
      request.append("Host: 127.0.0.1\r\nConnection: close\r\n");
      for (String line : headerLines) {
        request.append(line).append("\r\n");
      }
      request.append("\r\n");
      socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all);
      String text = all.toString(StandardCharsets.UTF_8);
      int end = text.indexOf("\r\n\r\n");
      String[] lines = text.substring(0, end).split("\r\n");
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        headers.put(
            lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).trim());
      }
      int status = Integer.parseInt(lines[0].split(" ")[1]);
      return new Response(status, headers, text.substring(end + 4));
    }
  }
}

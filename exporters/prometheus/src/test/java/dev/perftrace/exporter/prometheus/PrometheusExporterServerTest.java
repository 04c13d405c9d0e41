package dev.perftrace.exporter.prometheus;

import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.trace.SpanContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class PrometheusExporterServerTest {

  private static final String OPENMETRICS =
      "application/openmetrics-text; version=1.0.0; charset=utf-8";
  private static final String TEXT_004 = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static PrometheusExporter server() {
    return PrometheusExporter.builder().setPort(0).build();
  }

  @Test
  void build_defaultHost_acceptsLoopbackConnections() throws Exception {
    try (Fixture f = new Fixture(server())) {
      HttpResponse<String> response = get(f.exporter.port(), "/metrics", null);

      assertThat(response.statusCode()).isEqualTo(200);
    }
  }

  /**
   * Runs everywhere (CI included): 127.0.0.2 is a loopback address that a wildcard bind answers
   * on and a 127.0.0.1 bind does not; the machine's own non-loopback address is tried too when it
   * has one. A firewall may drop the packet instead of refusing it, so a timeout also counts.
   */
  @Test
  void build_defaultHost_refusesOtherAddresses() throws Exception {
    List<InetAddress> others = new ArrayList<>();
    others.add(InetAddress.getByName("127.0.0.2"));
    nonLoopbackAddress().ifPresent(others::add);
    try (Fixture f = new Fixture(server())) {
      for (InetAddress other : others) {
        try (Socket socket = new Socket()) {
          InetSocketAddress target = new InetSocketAddress(other, f.exporter.port());

          assertThatThrownBy(() -> socket.connect(target, 2000))
              .as("connect to %s", target)
              .isInstanceOfAny(ConnectException.class, SocketTimeoutException.class);
        }
      }
    }
  }

  /** The control for the test above: a wildcard bind does answer on 127.0.0.2. */
  @Test
  void build_wildcardHost_acceptsOtherLoopbackAddress() throws Exception {
    try (Fixture f = new Fixture(PrometheusExporter.builder().setHost("0.0.0.0").setPort(0).build());
        Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.2", f.exporter.port()), 2000);

      assertThat(socket.isConnected()).isTrue();
    }
  }

  @Test
  void port_ephemeral_isTheBoundPort() throws Exception {
    try (Fixture f = new Fixture(server())) {
      assertThat(f.exporter.port()).isPositive();
      assertThat(get(f.exporter.port(), "/-/healthy", null).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void healthPath_answersHealthy() throws Exception {
    try (Fixture f = new Fixture(server())) {
      HttpResponse<String> response = get(f.exporter.port(), "/-/healthy", null);

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("Exporter is Healthy.");
    }
  }

  @Test
  void metrics_acceptOpenMetrics_openMetricsWithExemplars() throws Exception {
    try (Fixture f = new Fixture(server())) {
      SpanContext span = recordInSpan(f);

      HttpResponse<String> response =
          get(f.exporter.port(), "/metrics", "application/openmetrics-text; version=1.0.0");

      assertThat(response.headers().firstValue("Content-Type")).contains(OPENMETRICS);
      assertThat(response.body())
          .contains("trace_id=\"" + span.getTraceId() + "\"")
          .endsWith("# EOF\n");
    }
  }

  @Test
  void metrics_noAcceptHeader_text004WithoutExemplars() throws Exception {
    try (Fixture f = new Fixture(server())) {
      recordInSpan(f);

      HttpResponse<String> response = get(f.exporter.port(), "/metrics", null);

      assertThat(response.headers().firstValue("Content-Type")).contains(TEXT_004);
      assertThat(response.body())
          .contains("# TYPE perftrace_operation_duration_seconds histogram\n")
          .doesNotContain("trace_id")
          .doesNotContain("# EOF");
    }
  }

  @Test
  void metrics_acceptPlainText_text004() throws Exception {
    try (Fixture f = new Fixture(server())) {
      recordInSpan(f);

      HttpResponse<String> response = get(f.exporter.port(), "/metrics", "text/plain");

      assertThat(response.headers().firstValue("Content-Type")).contains(TEXT_004);
    }
  }

  @Test
  void metrics_acceptGzip_gzipEncodedBody() throws Exception {
    try (Fixture f = new Fixture(server())) {
      recordInSpan(f);
      String plain = get(f.exporter.port(), "/metrics", null).body();

      HttpResponse<byte[]> response =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + f.exporter.port() + "/metrics"))
                  .header("Accept-Encoding", "gzip")
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());

      assertThat(response.headers().firstValue("Content-Encoding")).contains("gzip");
      try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(response.body()))) {
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(plain);
      }
    }
  }

  @Test
  void metrics_nameFilter_onlyRequestedSamples() throws Exception {
    try (Fixture f = new Fixture(server())) {
      recordInSpan(f);
      f.meter("store").counterBuilder("hits").build().add(1);

      String body =
          get(f.exporter.port(), "/metrics?name[]=hits_total", null).body();

      assertThat(body)
          .isEqualTo(
              "# HELP hits_total hits\n"
                  + "# TYPE hits_total counter\n"
                  + "hits_total{otel_scope_name=\"store\",otel_scope_version=\"1.0\",} 1.0\n");
    }
  }

  @Test
  void metrics_concurrentScrapes_allCompleteAndIdentical() throws Exception {
    try (Fixture f = new Fixture(server())) {
      recordInSpan(f);
      for (int i = 0; i < 50; i++) {
        f.meter("store").counterBuilder("c" + i).build().add(i, Attributes.of(stringKey("k"), "v"));
      }
      int port = f.exporter.port();
      String reference = get(port, "/metrics", null).body();
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Callable<List<String>>> tasks = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          tasks.add(
              () -> {
                List<String> bodies = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                  bodies.add(get(port, "/metrics", null).body());
                }
                return bodies;
              });
        }
        List<String> all = Collections.synchronizedList(new ArrayList<>());
        for (Future<List<String>> result : pool.invokeAll(tasks, 60, TimeUnit.SECONDS)) {
          all.addAll(result.get());
        }

        assertThat(all).hasSize(160).allMatch(reference::equals);
        assertThat(reference)
            .contains("c49_total{k=\"v\",otel_scope_name=\"store\",otel_scope_version=\"1.0\",} 49.0\n")
            .contains("perftrace_operation_duration_seconds_count{perftrace_operation_name=\"get\","
                + "otel_scope_name=\"store\",otel_scope_version=\"1.0\",} 1.0\n");
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void metrics_scrapesWhileRecording_eachCompleteAndNonDecreasing() throws Exception {
    try (Fixture f = new Fixture(server())) {
      var counter = f.meter("store").counterBuilder("hits").build();
      DoubleHistogram histogram =
          f.meter("store").histogramBuilder("lat").setUnit("s")
              .setExplicitBucketBoundariesAdvice(List.of(0.5)).build();
      int port = f.exporter.port();
      AtomicBoolean recording = new AtomicBoolean(true);
      AtomicInteger scrapes = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<List<double[]>>> scrapers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          scrapers.add(
              pool.submit(
                  () -> {
                    List<double[]> seen = new ArrayList<>();
                    while (recording.get() || seen.isEmpty()) {
                      String body = get(port, "/metrics", null).body();
                      scrapes.incrementAndGet();
                      seen.add(
                          new double[] {
                            sample(body, "hits_total{"), sample(body, "lat_seconds_count{")
                          });
                    }
                    return seen;
                  }));
        }
        // Record until the scrapers have done 40 scrapes between them, or 30 s have passed.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long recorded = 0;
        while (scrapes.get() < 40 && System.nanoTime() < deadline) {
          counter.add(1);
          histogram.record(0.1);
          recorded++;
        }
        recording.set(false);
        assertThat(scrapes.get()).isGreaterThanOrEqualTo(40);

        for (Future<List<double[]>> scraper : scrapers) {
          List<double[]> seen = scraper.get(60, TimeUnit.SECONDS);
          for (int i = 1; i < seen.size(); i++) {
            assertThat(seen.get(i)[0]).isGreaterThanOrEqualTo(seen.get(i - 1)[0]);
            assertThat(seen.get(i)[1]).isGreaterThanOrEqualTo(seen.get(i - 1)[1]);
          }
        }
        String last = get(port, "/metrics", null).body();
        assertThat(sample(last, "hits_total{")).isEqualTo(recorded);
        assertThat(sample(last, "lat_seconds_count{")).isEqualTo(recorded);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  /**
   * Returns the value of the first line starting with {@code prefix}; 0 when absent (nothing
   * recorded yet), so a truncated body after the first recording shows up as a decrease.
   */
  private static double sample(String body, String prefix) {
    for (String line : body.split("\n")) {
      if (line.startsWith(prefix)) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return 0;
  }

  @Test
  void shutdown_stopsServer() throws Exception {
    Fixture f = new Fixture(server());
    int port = f.exporter.port();
    assertThat(get(port, "/-/healthy", null).statusCode()).isEqualTo(200);
    f.close();

    // Binding the port (SO_REUSEADDR, as servers do) succeeds only when nothing listens on it any
    // more; a connect to the released port could reach another process that took it meanwhile.
    try (ServerSocket rebind = new ServerSocket()) {
      rebind.setReuseAddress(true);
      rebind.bind(new InetSocketAddress("127.0.0.1", port));

      assertThat(rebind.getLocalPort()).isEqualTo(port);
    }
  }

  private static SpanContext recordInSpan(Fixture f) {
    DoubleHistogram h =
        f.meter("store").histogramBuilder("perftrace.operation.duration").setUnit("s").build();
    return f.inSpan(
            () -> h.record(0.02, Attributes.of(stringKey("perftrace.operation.name"), "get")))
        .getSpanContext();
  }

  private HttpResponse<String> get(int port, String path, String accept)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10));
    if (accept != null) {
      request.header("Accept", accept);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Optional<InetAddress> nonLoopbackAddress() throws SocketException {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress address : Collections.list(nic.getInetAddresses())) {
        if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
          return Optional.of(address);
        }
      }
    }
    return Optional.empty();
  }
}

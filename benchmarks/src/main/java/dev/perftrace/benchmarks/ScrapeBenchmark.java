package dev.perftrace.benchmarks;

import dev.perftrace.exporter.prometheus.PrometheusExporter;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.exporter.prometheus.PrometheusHttpServer;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.resources.Resource;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Scrape time of PerfTrace's Prometheus exporter against OpenTelemetry's own {@link
 * PrometheusHttpServer}, on the same data: {@link #series} counter series (spread over ten
 * counters of {@code series / 10} attribute sets each, below the SDK's default cardinality limit)
 * recorded identically into two {@link SdkMeterProvider}s, one read by each exporter. Each
 * benchmark is one full HTTP GET of the text exposition (format 0.0.4) with the same client, on
 * a kept-alive connection.
 *
 * <p>Thread safety: JMH state; the HTTP client is thread-safe.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
// Both exporters serve with the JDK's com.sun.net.httpserver, which leaves Nagle's algorithm on by
// default; OpenTelemetry's chunked responses then wait ~40 ms for the client's delayed ACK on
// every scrape. TCP_NODELAY on both keeps that transport artefact out of the comparison.
@Fork(value = 1, jvmArgsPrepend = "-Dsun.net.httpserver.nodelay=true")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(1)
public class ScrapeBenchmark {

  static final int COUNTERS = 10;
  static final String ACCEPT = "text/plain; version=0.0.4; charset=utf-8";
  private static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
  private static final AttributeKey<String> STATUS =
      AttributeKey.stringKey("http.response.status_code");
  private static final Pattern SERIES_LINE =
      Pattern.compile("^bench_requests_[0-9]+_total\\{.*", Pattern.MULTILINE);

  /** Number of counter series in each exposition. */
  @Param({"1000", "10000"})
  public int series;

  private SdkMeterProvider perfTraceProvider;
  private SdkMeterProvider openTelemetryProvider;
  private HttpClient client;
  private HttpRequest perfTraceRequest;
  private HttpRequest openTelemetryRequest;

  /** Starts both exporters on loopback, records the same series into both, checks them. */
  @Setup
  public void setUp() throws IOException, InterruptedException {
    Resource resource =
        Resource.getDefault()
            .merge(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "bench")));

    PrometheusExporter perfTraceExporter =
        PrometheusExporter.builder().setHost("127.0.0.1").setPort(0).build();
    perfTraceProvider =
        SdkMeterProvider.builder()
            .setResource(resource)
            .registerMetricReader(perfTraceExporter)
            .build();
    int openTelemetryPort = startOpenTelemetryServer(resource);

    record(perfTraceProvider);
    record(openTelemetryProvider);

    client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    perfTraceRequest = request(perfTraceExporter.port());
    openTelemetryRequest = request(openTelemetryPort);

    requireSeries("PerfTrace", perfTraceRequest);
    requireSeries("OpenTelemetry", openTelemetryRequest);
  }

  /** Stops both exporters. */
  @TearDown
  public void tearDown() {
    perfTraceProvider.close();
    openTelemetryProvider.close();
  }

  /** One scrape of PerfTrace's exporter. */
  @Benchmark
  public int perfTraceExporter() throws IOException, InterruptedException {
    return scrape(perfTraceRequest).length;
  }

  /** One scrape of OpenTelemetry's Prometheus exporter. */
  @Benchmark
  public int openTelemetryExporter() throws IOException, InterruptedException {
    return scrape(openTelemetryRequest).length;
  }

  private byte[] scrape(HttpRequest request) throws IOException, InterruptedException {
    HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      throw new IOException("scrape of " + request.uri() + " answered " + response.statusCode());
    }
    return response.body();
  }

  private void record(SdkMeterProvider provider) {
    List<LongCounter> counters = new ArrayList<>();
    for (int c = 0; c < COUNTERS; c++) {
      counters.add(
          provider
              .get("bench.scrape")
              .counterBuilder("bench.requests." + c)
              .setUnit("{request}")
              .setDescription("Requests of route group " + c + ".")
              .build());
    }
    for (int i = 0; i < series; i++) {
      counters
          .get(i % COUNTERS)
          .add(
              i + 1L,
              Attributes.of(ROUTE, "/api/v1/items/" + i, STATUS, i % 7 == 0 ? "500" : "200"));
    }
  }

  private void requireSeries(String exporter, HttpRequest request)
      throws IOException, InterruptedException {
    String body = new String(scrape(request), StandardCharsets.UTF_8);
    long found = SERIES_LINE.matcher(body).results().count();
    if (found != series) {
      throw new IllegalStateException(
          exporter
              + " exposition has "
              + found
              + " bench_requests_*_total series, expected "
              + series
              + "; first lines:\n"
              + body.lines().limit(20).reduce("", (a, b) -> a + b + "\n"));
    }
  }

  /** OpenTelemetry's server cannot bind port 0 and report it, so pick free ports and retry. */
  private int startOpenTelemetryServer(Resource resource) throws IOException {
    RuntimeException last = null;
    for (int attempt = 0; attempt < 10; attempt++) {
      int port;
      try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
        port = socket.getLocalPort();
      }
      try {
        PrometheusHttpServer server =
            PrometheusHttpServer.builder().setHost("127.0.0.1").setPort(port).build();
        openTelemetryProvider =
            SdkMeterProvider.builder().setResource(resource).registerMetricReader(server).build();
        return port;
      } catch (RuntimeException e) {
        last = e;
      }
    }
    throw new IOException("could not start OpenTelemetry's Prometheus server", last);
  }

  private static HttpRequest request(int port) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
        .header("Accept", ACCEPT)
        .timeout(Duration.ofSeconds(30))
        .GET()
        .build();
  }
}

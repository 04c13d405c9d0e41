package dev.perftrace.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perftrace.testing.Poll;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoAppTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void start_shortRun_servesMetricsAndWritesCorrelatedSpans() throws Exception {
    Path otlpFile = dir.resolve("otlp.jsonl");
    try (DemoApp app =
        DemoApp.start(
            "--duration=PT5S",
            "--prometheus-port=0",
            "--report=none",
            "--no-progress",
            "--otlp-file=" + otlpFile)) {
      URI metrics = URI.create("http://127.0.0.1:" + app.prometheusPort() + "/metrics");
      // Fails at the deadline unless every series below shows up while the workload runs.
      Poll.until(
          "operation, cache and bandwidth series on " + metrics,
          Duration.ofSeconds(20),
          () -> get(metrics),
          text ->
              text.contains("perftrace_operation_duration_seconds_count{")
                  && text.contains("perftrace_operation_name=\"store.get\"")
                  && text.contains("perftrace_operation_name=\"peer.serve\"")
                  && text.contains("perftrace_cache_requests_total{")
                  && text.contains("perftrace_cache_tier=\"remote\"")
                  && text.contains("perftrace_transfer_io_bytes_total{")
                  && text.contains("network_io_direction=\"receive\"")
                  && text.contains("network_io_direction=\"transmit\""));
      app.awaitCompletion();
    }

    Map<String, List<JsonNode>> spansByCorrelation = spansByCorrelationId(otlpFile);
    // Worker 0's first request: the demo's span, the store's spans and the peer's, one trace.
    List<JsonNode> first = spansByCorrelation.get("demo-0-1");
    assertThat(first).extracting(s -> s.get("name").asText()).contains("demo.request", "store.get");
    assertThat(first).extracting(s -> s.get("traceId").asText()).containsOnly(traceId(first));
  }

  @Test
  void run_shortRun_printsReportAndWhereTheOtlpJsonWent() throws IOException {
    Path otlpFile = dir.resolve("run.jsonl");
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    int code =
        DemoApp.run(
            new PrintStream(out, true, "UTF-8"),
            new PrintStream(new ByteArrayOutputStream(), true, "UTF-8"),
            "--duration=2s",
            "--prometheus-port=0",
            "--no-progress",
            "--otlp-file=" + otlpFile);

    String printed = out.toString("UTF-8");
    assertThat(code).isEqualTo(0);
    assertThat(printed)
        .startsWith(
            "PerfTrace demo: 4 client threads for 2s against memory -> disk -> peers"
                + " [peer-eu, peer-us]")
        .contains("\nPerfTrace report\n")
        .contains(
            "OTLP JSON (traces and metrics, one OTLP request per line) written to "
                + otlpFile.toAbsolutePath()
                + " (traces up, ");
    assertThat(Files.size(otlpFile)).isPositive();
  }

  @Test
  void run_portInUse_exitsWithCodeTwoAndAMessage() throws IOException {
    try (ServerSocket taken =
        new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();

      int code =
          DemoApp.run(
              new PrintStream(out, true, "UTF-8"),
              new PrintStream(err, true, "UTF-8"),
              "--prometheus-port=" + taken.getLocalPort(),
              "--duration=1s",
              "--otlp-file=" + dir.resolve("unused.jsonl"));

      assertThat(code).isEqualTo(2);
      assertThat(err.toString("UTF-8"))
          .startsWith(
              "perftrace-demo: 127.0.0.1:"
                  + taken.getLocalPort()
                  + " is already in use, so the Prometheus endpoint cannot start.");
    }
  }

  @Test
  void run_badDuration_exitsWithCodeTwo() throws IOException {
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int code =
        DemoApp.run(
            new PrintStream(new ByteArrayOutputStream(), true, "UTF-8"),
            new PrintStream(err, true, "UTF-8"),
            "--duration=soon");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString("UTF-8")).contains("'soon' is not a duration");
  }

  private static String traceId(List<JsonNode> spans) {
    return spans.stream()
        .filter(s -> s.get("name").asText().equals("demo.request"))
        .findFirst()
        .orElseThrow()
        .get("traceId")
        .asText();
  }

  private static String get(URI uri) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HTTP.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    return response.body();
  }

  /** Reads the OTLP-JSON lines file and groups every span by its correlation ID attribute. */
  private static Map<String, List<JsonNode>> spansByCorrelationId(Path file) throws IOException {
    Map<String, List<JsonNode>> result = new HashMap<>();
    for (String line : Files.readAllLines(file)) {
      if (line.isBlank()) {
        continue;
      }
      for (JsonNode resourceSpans : JSON.readTree(line).path("resourceSpans")) {
        for (JsonNode scopeSpans : resourceSpans.path("scopeSpans")) {
          for (JsonNode span : scopeSpans.path("spans")) {
            for (JsonNode attribute : span.path("attributes")) {
              if (attribute.path("key").asText().equals("perftrace.correlation_id")) {
                String id = attribute.path("value").path("stringValue").asText();
                result.computeIfAbsent(id, k -> new ArrayList<>()).add(span);
              }
            }
          }
        }
      }
    }
    return result;
  }
}

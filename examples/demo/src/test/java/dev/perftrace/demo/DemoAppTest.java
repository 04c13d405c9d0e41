package dev.perftrace.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perftrace.testing.Poll;
import java.io.IOException;
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
    String scrape;
    try (DemoApp app =
        DemoApp.start(
            "--duration=PT5S",
            "--prometheus-port=0",
            "--report=none",
            "--no-progress",
            "--otlp-file=" + otlpFile)) {
      URI metrics = URI.create("http://127.0.0.1:" + app.prometheusPort() + "/metrics");
      scrape =
          Poll.until(
              "operation, cache and bandwidth series on " + metrics,
              Duration.ofSeconds(20),
              () -> get(metrics),
              text ->
                  text.contains("perftrace_operation_duration_seconds_count{")
                      && text.contains("perftrace_cache_requests_total{")
                      && text.contains("perftrace_transfer_io_bytes_total{"));
      app.awaitCompletion();
    }

    assertThat(scrape)
        .contains("perftrace_operation_name=\"store.get\"")
        .contains("perftrace_cache_name=\"content\"")
        .contains("network_io_direction=\"receive\"");
    Map<String, List<JsonNode>> spansByCorrelation = spansByCorrelationId(otlpFile);
    // Worker 0's first request: the demo's span, the store's spans and the peer's, one trace.
    List<JsonNode> first = spansByCorrelation.get("demo-0-1");
    assertThat(first).extracting(s -> s.get("name").asText()).contains("demo.request", "store.get");
    assertThat(first).extracting(s -> s.get("traceId").asText()).containsOnly(traceId(first));
  }

  @Test
  void run_portInUse_exitsWithCodeTwoAndAMessage() throws IOException {
    try (java.net.ServerSocket taken =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();

      int code =
          DemoApp.run(
              new java.io.PrintStream(out, true, "UTF-8"),
              new java.io.PrintStream(err, true, "UTF-8"),
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
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();

    int code =
        DemoApp.run(
            new java.io.PrintStream(new java.io.ByteArrayOutputStream(), true, "UTF-8"),
            new java.io.PrintStream(err, true, "UTF-8"),
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

package dev.perftrace.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perftrace.testing.BackendProcess;
import dev.perftrace.testing.Backends;
import dev.perftrace.testing.ClosedPort;
import dev.perftrace.testing.Poll;
import dev.perftrace.testing.PrometheusServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code --jaeger} against a real Jaeger v2 (scripts/build-backends.sh) holding known traces sent
 * over OTLP/HTTP JSON with exact start times and durations.
 */
class ReportJaegerIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long T0 = (System.currentTimeMillis() - 60_000) * 1_000_000L;
  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String REQ_A = "req-a-" + RUN;
  private static final String FRONTEND = "frontend-" + RUN;
  private static final String BACKEND = "backend-" + RUN;
  private static final String TRACE_A = "a" + "0".repeat(23) + RUN;
  private static final String TRACE_B = "b" + "0".repeat(23) + RUN;
  private static final String TRACE_C = "c" + "0".repeat(23) + RUN;

  private static BackendProcess jaeger;
  private static URI query;

  @BeforeAll
  static void startJaegerWithKnownTraces() throws Exception {
    // Jaeger cannot bind port 0 and report it: ports found free are passed in, chosen afresh
    // when a start fails on "address already in use" (BackendProcess retries).
    jaeger =
        BackendProcess.start(
            "jaeger",
            Backends.requireJaeger(),
            Path.of(System.getProperty("basedir", "."))
                .resolve("../collector-config/jaeger/config.yaml")
                .normalize(),
            () -> {
              int health = PrometheusServer.freePort();
              return new BackendProcess.Launch(
                  Map.of(
                      "PERFTRACE_JAEGER_OTLP_GRPC_ENDPOINT",
                      "127.0.0.1:" + PrometheusServer.freePort(),
                      "PERFTRACE_JAEGER_OTLP_HTTP_ENDPOINT",
                      "127.0.0.1:" + PrometheusServer.freePort(),
                      "PERFTRACE_JAEGER_QUERY_HTTP_ENDPOINT",
                      "127.0.0.1:" + PrometheusServer.freePort(),
                      "PERFTRACE_JAEGER_QUERY_GRPC_ENDPOINT",
                      "127.0.0.1:" + PrometheusServer.freePort(),
                      "PERFTRACE_JAEGER_HEALTH_ENDPOINT", "127.0.0.1:" + health,
                      "PERFTRACE_JAEGER_TELEMETRY_HOST", "127.0.0.1",
                      "PERFTRACE_JAEGER_TELEMETRY_PORT",
                      Integer.toString(PrometheusServer.freePort())),
                  URI.create("http://127.0.0.1:" + health + "/status"));
            });
    String queryAddress = jaeger.environment().get("PERFTRACE_JAEGER_QUERY_HTTP_ENDPOINT");
    String otlpAddress = jaeger.environment().get("PERFTRACE_JAEGER_OTLP_HTTP_ENDPOINT");
    int otlpHttp = Integer.parseInt(otlpAddress.substring(otlpAddress.lastIndexOf(':') + 1));
    query = URI.create("http://" + queryAddress);

    // Trace A (REQ_A): http.get 100 ms > cache.lookup (+5 ms, 10 ms, 1 hit 2 misses),
    //                  http.get > db.query (backend, +20 ms, 50 ms, error IOException).
    // Trace B: http.get 40 ms > cache.lookup.  Trace C: http.get 200 ms > db.query.
    List<String> frontend = new ArrayList<>();
    List<String> backend = new ArrayList<>();
    frontend.add(span(TRACE_A, "a1", null, "http.get", 0, 100, REQ_A, "success",
        "{\"key\":\"perftrace.bytes.sent\",\"value\":{\"intValue\":\"512\"}}"));
    frontend.add(span(TRACE_A, "a2", "a1", "cache.lookup", 5, 10, REQ_A, "success",
        "{\"key\":\"perftrace.cache.hits\",\"value\":{\"intValue\":\"1\"}},"
            + "{\"key\":\"perftrace.cache.misses\",\"value\":{\"intValue\":\"2\"}}"));
    backend.add(span(TRACE_A, "a3", "a1", "db.query", 20, 50, REQ_A, "error",
        "{\"key\":\"error.type\",\"value\":{\"stringValue\":\"java.io.IOException\"}}"));
    frontend.add(span(TRACE_B, "b1", null, "http.get", 1000, 40, "req-b-" + RUN, "success", null));
    frontend.add(span(TRACE_B, "b2", "b1", "cache.lookup", 1001, 5, "req-b-" + RUN, "success", null));
    frontend.add(span(TRACE_C, "c1", null, "http.get", 2000, 200, "req-c-" + RUN, "success", null));
    backend.add(span(TRACE_C, "c2", "c1", "db.query", 2010, 150, "req-c-" + RUN, "success", null));
    String body =
        "{\"resourceSpans\":[" + resource(FRONTEND, frontend) + "," + resource(BACKEND, backend)
            + "]}";
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + otlpHttp + "/v1/traces"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    Poll.until(
        "the three traces in Jaeger",
        Duration.ofSeconds(30),
        () ->
            JSON.readTree(
                    HttpClient.newHttpClient()
                        .send(
                            HttpRequest.newBuilder(
                                    URI.create(
                                        query + "/api/traces?lookback=168h&service=" + FRONTEND))
                                .build(),
                            HttpResponse.BodyHandlers.ofString())
                        .body())
                .path("data"),
        d -> d.size() == 3 && spanCount(d) == 7);
  }

  private static int spanCount(JsonNode data) {
    int n = 0;
    for (JsonNode t : data) {
      n += t.path("spans").size();
    }
    return n;
  }

  @AfterAll
  static void stop() {
    if (jaeger != null) {
      jaeger.close();
    }
  }

  private static String resource(String service, List<String> spans) {
    return "{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\""
        + service + "\"}}]},\"scopeSpans\":[{\"scope\":{\"name\":\"test\"},\"spans\":["
        + String.join(",", spans) + "]}]}";
  }

  private static String span(
      String traceId, String id, String parent, String name, long startMs, long durationMs,
      String correlationId, String outcome, String extraAttributes) {
    long start = T0 + startMs * 1_000_000L;
    return "{\"traceId\":\"" + traceId + "\",\"spanId\":\"" + spanId(id) + "\","
        + (parent == null ? "" : "\"parentSpanId\":\"" + spanId(parent) + "\",")
        + "\"name\":\"" + name + "\",\"kind\":1,\"startTimeUnixNano\":\"" + start
        + "\",\"endTimeUnixNano\":\"" + (start + durationMs * 1_000_000L) + "\","
        + "\"attributes\":[{\"key\":\"perftrace.correlation_id\",\"value\":{\"stringValue\":\""
        + correlationId + "\"}},{\"key\":\"perftrace.operation.outcome\",\"value\":{\"stringValue\":\""
        + outcome + "\"}}" + (extraAttributes == null ? "" : "," + extraAttributes) + "],"
        + "\"status\":{\"code\":" + ("error".equals(outcome) ? 2 : 1) + "}}";
  }

  private static String spanId(String shortId) {
    return "0".repeat(16 - shortId.length()) + shortId;
  }

  @Test
  void correlationId_text_printsTheExactTree() {
    ReportCommandTest.Run run = ReportCommandTest.run("--jaeger", query.toString(),
        "--correlation-id", REQ_A);

    assertThat(run.err()).isEmpty();
    assertThat(run.code()).isZero();
    assertThat(run.out())
        .isEqualTo(
            "Correlation ID " + REQ_A + ": 3 operations in 1 trace\n"
                + "trace " + TRACE_A + "\n"
                + "  http.get [" + FRONTEND + "] +0.000 ms 100.000 ms success sent 512 B\n"
                + "    cache.lookup [" + FRONTEND + "] +5.000 ms 10.000 ms success cache hits 1,"
                + " cache misses 2\n"
                + "    db.query [" + BACKEND + "] +20.000 ms 50.000 ms error"
                + " error java.io.IOException\n");
  }

  @Test
  void correlationId_markdown_oneRowPerOperationInTreeOrder() {
    ReportCommandTest.Run run = ReportCommandTest.run("--jaeger", query.toString(),
        "--correlation-id", REQ_A, "--service", BACKEND, "--format", "markdown");

    assertThat(run.code()).as(run.err()).isZero();
    List<String> rows =
        run.out().lines().filter(l -> l.startsWith("| " + TRACE_A)).toList();
    assertThat(rows)
        .containsExactly(
            "| " + TRACE_A + " | http.get | " + FRONTEND
                + " | 0.000 | 100.000 | success | 512 |  |  |  |  |",
            "| " + TRACE_A + " | &nbsp;&nbsp;cache.lookup | " + FRONTEND
                + " | 5.000 | 10.000 | success |  |  | 1 | 2 |  |",
            "| " + TRACE_A + " | &nbsp;&nbsp;db.query | " + BACKEND
                + " | 20.000 | 50.000 | error |  |  |  |  | java.io.IOException |");
  }

  @Test
  void correlationId_json_nestsChildrenWithExactFields() throws Exception {
    ReportCommandTest.Run run = ReportCommandTest.run("--jaeger", query.toString(),
        "--correlation-id", REQ_A, "--format", "json");

    assertThat(run.code()).as(run.err()).isZero();
    JsonNode json = JSON.readTree(run.out());
    assertThat(json.path("correlation_id").asText()).isEqualTo(REQ_A);
    assertThat(json.path("operations").asInt()).isEqualTo(3);
    assertThat(json.path("traces")).hasSize(1);
    JsonNode roots = json.path("traces").get(0).path("operations");
    assertThat(roots).hasSize(1);
    JsonNode root = roots.get(0);
    assertThat(root.path("operation").asText()).isEqualTo("http.get");
    assertThat(root.path("service").asText()).isEqualTo(FRONTEND);
    assertThat(root.path("duration_ms").asDouble()).isEqualTo(100.0);
    assertThat(root.path("bytes_sent").asLong()).isEqualTo(512);
    JsonNode children = root.path("children");
    assertThat(children).hasSize(2);
    assertThat(children.get(0).path("operation").asText()).isEqualTo("cache.lookup");
    assertThat(children.get(0).path("start_offset_ms").asDouble()).isEqualTo(5.0);
    assertThat(children.get(0).path("cache_hits").asLong()).isEqualTo(1);
    assertThat(children.get(0).path("cache_misses").asLong()).isEqualTo(2);
    assertThat(children.get(1).path("operation").asText()).isEqualTo("db.query");
    assertThat(children.get(1).path("service").asText()).isEqualTo(BACKEND);
    assertThat(children.get(1).path("outcome").asText()).isEqualTo("error");
    assertThat(children.get(1).path("error_type").asText()).isEqualTo("java.io.IOException");
    assertThat(children.get(1).path("children")).isEmpty();
  }

  @Test
  void patterns_countsCoOccurrencesAndSlowestPathsExactly() throws Exception {
    ReportCommandTest.Run run = ReportCommandTest.run("--jaeger", query.toString(),
        "--service", FRONTEND, "--patterns", "--format", "json");

    assertThat(run.code()).as(run.err()).isZero();
    JsonNode json = JSON.readTree(run.out());
    assertThat(json.path("traces").asInt()).isEqualTo(3);
    List<String> pairs = new ArrayList<>();
    json.path("co_occurrences").forEach(p -> pairs.add(
        p.path("first").asText() + " + " + p.path("second").asText() + " = "
            + p.path("traces").asInt()));
    assertThat(pairs)
        .containsExactly(
            "cache.lookup + http.get = 2", "db.query + http.get = 2", "cache.lookup + db.query = 1");
    List<String> paths = new ArrayList<>();
    json.path("slowest_paths").forEach(p -> paths.add(
        p.path("path").asText() + " x" + p.path("count").asInt() + " max "
            + p.path("max_ms").asDouble() + " mean " + p.path("mean_ms").asDouble()));
    assertThat(paths)
        .containsExactly(
            "http.get > db.query x2 max 200.0 mean 150.0",
            "http.get > cache.lookup x2 max 100.0 mean 70.0");
  }

  @Test
  void unknownCorrelationId_oneLineAndExitOne() {
    ReportCommandTest.Run run = ReportCommandTest.run("--jaeger", query.toString(),
        "--correlation-id", "no-such-" + RUN, "--service", FRONTEND);

    assertThat(run.code()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .isEqualTo("perftrace-report: no trace with perftrace.correlation_id=no-such-" + RUN
            + " in Jaeger at " + query + " (service " + FRONTEND + ")\n");
  }

  @Test
  void unreachableJaeger_oneLineAndExitOne() {
    ReportCommandTest.Run run;
    String url;
    try (ClosedPort closed = ClosedPort.open()) {
      url = closed.httpUrl();
      run = ReportCommandTest.run("--jaeger", url, "--correlation-id", REQ_A);
    }

    assertThat(run.code()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).startsWith("perftrace-report: cannot read " + url + "/api/services: ")
        .doesNotContain("\tat ").endsWith("\n");
    assertThat(run.err().lines()).hasSize(1);
  }
}

package dev.perftrace.collectorconfig;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perftrace.CorrelationScope;
import dev.perftrace.Operation;
import dev.perftrace.PerfTracer;
import dev.perftrace.sdk.PerfTraceSdk;
import dev.perftrace.testing.BackendProcess;
import dev.perftrace.testing.Backends;
import dev.perftrace.testing.Poll;
import dev.perftrace.testing.PrometheusServer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scale-out: the shipped gateway.yaml, run unchanged by the real otelcol-perftrace-gateway (its
 * dns resolver replaced by a static list of two downstreams through a second {@code --config}
 * layer, as the file's header documents), load-balances traces by trace ID over two real Jaegers:
 * every span of a trace lands on the same back end, and the traces spread over both.
 */
@SuppressWarnings("try")
class ScaleOutIT {

  private static final String SERVICE = "scaleout-app";
  private static final int TRACES = 40;
  private static final int SPANS_PER_TRACE = 3;

  @TempDir Path tempDir;

  static BackendProcess startGateway(List<String> downstreams) {
    String hostnames = String.join(", ", downstreams);
    return BackendProcess.start(
        "otelcol-perftrace-gateway",
        Backends.requireGatewayCollector(),
        ConfigFiles.resolve("otelcol/gateway.yaml"),
        () -> {
          Map<String, String> env = new LinkedHashMap<>();
          int health = PrometheusServer.freePort();
          env.put("PERFTRACE_GATEWAY_OTLP_GRPC_ENDPOINT", "127.0.0.1:" + PrometheusServer.freePort());
          env.put("PERFTRACE_GATEWAY_OTLP_HTTP_ENDPOINT", "127.0.0.1:" + PrometheusServer.freePort());
          env.put("PERFTRACE_GATEWAY_HEALTH_ENDPOINT", "127.0.0.1:" + health);
          env.put("PERFTRACE_GATEWAY_TELEMETRY_HOST", "127.0.0.1");
          env.put("PERFTRACE_GATEWAY_TELEMETRY_PORT", Integer.toString(PrometheusServer.freePort()));
          return new BackendProcess.Launch(env, URI.create("http://127.0.0.1:" + health + "/"));
        },
        "--config=yaml:exporters::loadbalancing/traces::resolver: {dns: null, static: {hostnames: ["
            + hostnames
            + "]}}",
        "--config=yaml:exporters::loadbalancing/metrics::resolver: {dns: null, static: {hostnames: ["
            + hostnames
            + "]}}");
  }

  @Test
  void gateway_sendsEveryTraceWholeToOneJaeger_andSpreadsTracesOverBoth() throws Exception {
    Backends.requireGatewayCollector();
    String run = UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> traceIdByCorrelation = new TreeMap<>();

    try (BackendProcess jaeger1 = RunningStack.startJaeger();
        BackendProcess jaeger2 = RunningStack.startJaeger();
        BackendProcess gateway =
            startGateway(
                List.of(
                    jaeger1.environment().get("PERFTRACE_JAEGER_OTLP_GRPC_ENDPOINT"),
                    jaeger2.environment().get("PERFTRACE_JAEGER_OTLP_GRPC_ENDPOINT")))) {
      int gatewayGrpc = RunningStack.port(gateway, "PERFTRACE_GATEWAY_OTLP_GRPC_ENDPOINT");
      int query1 = RunningStack.port(jaeger1, "PERFTRACE_JAEGER_QUERY_HTTP_ENDPOINT");
      int query2 = RunningStack.port(jaeger2, "PERFTRACE_JAEGER_QUERY_HTTP_ENDPOINT");
      try (PerfTraceSdk sdk =
          PerfTraceSdk.builder()
              .setServiceName(SERVICE)
              .setPrometheusEnabled(false)
              .setShutdownHook(false)
              .setOtlpFile(tempDir.resolve("unused.jsonl"))
              .setConfigProperties(
                  Map.of(
                      "otel.exporter.otlp.endpoint", "http://127.0.0.1:" + gatewayGrpc,
                      "otel.exporter.otlp.protocol", "grpc",
                      "otel.metrics.exporter", "none",
                      "otel.bsp.schedule.delay", "50"))
              .build()) {
        PerfTracer tracer = sdk.tracer("com.example.scaleout");
        for (int i = 0; i < TRACES; i++) {
          String id = "scaleout-" + run + "-" + i;
          try (CorrelationScope request = tracer.correlate(id);
              Operation outer = tracer.start("scaleout.request")) {
            traceIdByCorrelation.put(id, outer.span().getSpanContext().getTraceId());
            try (Operation a = tracer.start("scaleout.read")) {
              // timed
            }
            try (Operation b = tracer.start("scaleout.write")) {
              // timed
            }
          }
        }
        assertThat(sdk.forceFlush(Duration.ofSeconds(10))).isTrue();
      }
      assertThat(traceIdByCorrelation).hasSize(TRACES);

      URI j1 = URI.create("http://127.0.0.1:" + query1);
      URI j2 = URI.create("http://127.0.0.1:" + query2);
      String all = "/api/traces?service=" + SERVICE + "&lookback=1h&limit=1000";
      Poll.until(
          "all " + TRACES * SPANS_PER_TRACE + " spans in the two Jaegers (gateway log: "
              + gateway.log() + ")",
          Duration.ofSeconds(60),
          () -> spanCount(RunningStack.get(j1, all)) + spanCount(RunningStack.get(j2, all)),
          n -> n == TRACES * SPANS_PER_TRACE);

      Map<String, JsonNode> inFirst = byTraceId(RunningStack.get(j1, all));
      Map<String, JsonNode> inSecond = byTraceId(RunningStack.get(j2, all));
      assertThat(inFirst.size() + inSecond.size()).isEqualTo(TRACES);
      assertThat(inFirst).as("traces routed to the first Jaeger").isNotEmpty();
      assertThat(inSecond).as("traces routed to the second Jaeger").isNotEmpty();
      List<String> misplaced = new ArrayList<>();
      for (Map.Entry<String, String> e : traceIdByCorrelation.entrySet()) {
        String traceId = e.getValue();
        boolean first = inFirst.containsKey(traceId);
        boolean second = inSecond.containsKey(traceId);
        if (first == second) {
          misplaced.add(traceId + (first ? " in both" : " in neither"));
          continue;
        }
        JsonNode trace = first ? inFirst.get(traceId) : inSecond.get(traceId);
        JsonNode spans = trace.path("spans");
        assertThat(spans).as(traceId).hasSize(SPANS_PER_TRACE);
        List<String> names = new ArrayList<>();
        for (JsonNode span : spans) {
          names.add(span.path("operationName").asText());
          assertThat(RunningStack.tag(span, "perftrace.correlation_id")).isEqualTo(e.getKey());
          assertThat(span.path("traceID").asText()).isEqualTo(traceId);
        }
        assertThat(names)
            .containsExactlyInAnyOrder("scaleout.request", "scaleout.read", "scaleout.write");
      }
      assertThat(misplaced).isEmpty();
      // The same trace ID asked of the other Jaeger is unknown there.
      String someTrace = inFirst.keySet().iterator().next();
      assertThat(RunningStack.get(j2, "/api/traces/" + someTrace).isMissingNode()).isTrue();
    }
  }

  private static int spanCount(JsonNode traces) {
    int n = 0;
    for (JsonNode trace : traces) {
      n += trace.path("spans").size();
    }
    return n;
  }

  private static Map<String, JsonNode> byTraceId(JsonNode traces) {
    Map<String, JsonNode> byId = new HashMap<>();
    for (JsonNode trace : traces) {
      byId.put(trace.path("traceID").asText(), trace);
    }
    return byId;
  }
}

package dev.perftrace.collectorconfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perftrace.testing.BackendProcess;
import dev.perftrace.testing.Backends;
import dev.perftrace.testing.PrometheusServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A real Jaeger v2 (collector-config/jaeger/config.yaml) and a real otelcol-perftrace running the
 * shipped agent.yaml unchanged, every address on its own free loopback port given through the
 * configurations' environment variables. Not thread-safe; close once.
 */
final class RunningStack implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  final BackendProcess jaeger;
  final BackendProcess collector;
  final int jaegerQueryPort;
  final int otlpGrpcPort;
  final int otlpHttpPort;
  final int collectorPrometheusPort;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private RunningStack(
      BackendProcess jaeger,
      BackendProcess collector,
      int jaegerQueryPort,
      int otlpGrpcPort,
      int otlpHttpPort,
      int collectorPrometheusPort) {
    this.jaeger = jaeger;
    this.collector = collector;
    this.jaegerQueryPort = jaegerQueryPort;
    this.otlpGrpcPort = otlpGrpcPort;
    this.otlpHttpPort = otlpHttpPort;
    this.collectorPrometheusPort = collectorPrometheusPort;
  }

  /**
   * Starts Jaeger; its ports are found free and chosen afresh when a start fails on "address
   * already in use" (Jaeger cannot bind port 0 and report it; BackendProcess retries).
   */
  static BackendProcess startJaeger() {
    return BackendProcess.start(
        "jaeger",
        Backends.requireJaeger(),
        ConfigFiles.resolve("jaeger/config.yaml"),
        () -> {
          Map<String, String> env = new LinkedHashMap<>();
          int health = PrometheusServer.freePort();
          env.put("PERFTRACE_JAEGER_OTLP_GRPC_ENDPOINT", "127.0.0.1:" + PrometheusServer.freePort());
          env.put("PERFTRACE_JAEGER_OTLP_HTTP_ENDPOINT", "127.0.0.1:" + PrometheusServer.freePort());
          env.put(
              "PERFTRACE_JAEGER_QUERY_HTTP_ENDPOINT", "127.0.0.1:" + PrometheusServer.freePort());
          env.put(
              "PERFTRACE_JAEGER_QUERY_GRPC_ENDPOINT", "127.0.0.1:" + PrometheusServer.freePort());
          env.put("PERFTRACE_JAEGER_HEALTH_ENDPOINT", "127.0.0.1:" + health);
          env.put("PERFTRACE_JAEGER_TELEMETRY_HOST", "127.0.0.1");
          env.put("PERFTRACE_JAEGER_TELEMETRY_PORT", Integer.toString(PrometheusServer.freePort()));
          return new BackendProcess.Launch(
              env, URI.create("http://127.0.0.1:" + health + "/status"));
        });
  }

  /**
   * Starts otelcol-perftrace with the shipped agent.yaml exporting traces to {@code
   * jaegerOtlpEndpoint}; ports as for {@link #startJaeger()}.
   */
  static BackendProcess startAgent(String jaegerOtlpEndpoint) {
    return BackendProcess.start(
        "otelcol-perftrace",
        Backends.requireCollector(),
        ConfigFiles.resolve("otelcol/agent.yaml"),
        () -> {
          Map<String, String> env = new LinkedHashMap<>();
          int health = PrometheusServer.freePort();
          env.put("PERFTRACE_OTLP_GRPC_ENDPOINT", "127.0.0.1:" + PrometheusServer.freePort());
          env.put("PERFTRACE_OTLP_HTTP_ENDPOINT", "127.0.0.1:" + PrometheusServer.freePort());
          env.put("PERFTRACE_JAEGER_OTLP_ENDPOINT", jaegerOtlpEndpoint);
          env.put("PERFTRACE_PROMETHEUS_ENDPOINT", "127.0.0.1:" + PrometheusServer.freePort());
          env.put("PERFTRACE_HEALTH_ENDPOINT", "127.0.0.1:" + health);
          env.put("PERFTRACE_TELEMETRY_HOST", "127.0.0.1");
          env.put("PERFTRACE_TELEMETRY_PORT", Integer.toString(PrometheusServer.freePort()));
          return new BackendProcess.Launch(env, URI.create("http://127.0.0.1:" + health + "/"));
        });
  }

  static int port(BackendProcess backend, String variable) {
    String address = backend.environment().get(variable);
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }

  static RunningStack start() {
    Backends.requireCollector();
    BackendProcess jaeger = startJaeger();
    try {
      BackendProcess collector =
          startAgent(jaeger.environment().get("PERFTRACE_JAEGER_OTLP_GRPC_ENDPOINT"));
      return new RunningStack(
          jaeger,
          collector,
          port(jaeger, "PERFTRACE_JAEGER_QUERY_HTTP_ENDPOINT"),
          port(collector, "PERFTRACE_OTLP_GRPC_ENDPOINT"),
          port(collector, "PERFTRACE_OTLP_HTTP_ENDPOINT"),
          port(collector, "PERFTRACE_PROMETHEUS_ENDPOINT"));
    } catch (RuntimeException | AssertionError e) {
      jaeger.close();
      throw e;
    }
  }

  URI jaegerUri() {
    return URI.create("http://127.0.0.1:" + jaegerQueryPort);
  }

  /** GET on Jaeger's query API; returns {@code data}, or a missing node on 404. */
  JsonNode jaegerGet(String pathAndQuery) {
    return get(jaegerUri(), pathAndQuery);
  }

  static JsonNode get(URI base, String pathAndQuery) {
    try {
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(base + pathAndQuery))
                      .timeout(Duration.ofSeconds(5))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 404) {
        return JSON.missingNode();
      }
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            "Jaeger " + pathAndQuery + " answered " + response.statusCode() + ": "
                + response.body());
      }
      return JSON.readTree(response.body()).path("data");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static String tracesByCorrelationId(String service, String correlationId) {
    return "/api/traces?service="
        + URLEncoder.encode(service, StandardCharsets.UTF_8)
        + "&lookback=1h&limit=20&tags="
        + URLEncoder.encode(
            "{\"perftrace.correlation_id\":\"" + correlationId + "\"}", StandardCharsets.UTF_8);
  }

  /** Tag value of a Jaeger span ({@code tags[]} of key/type/value), or null. */
  static String tag(JsonNode span, String key) {
    for (JsonNode tag : span.path("tags")) {
      if (key.equals(tag.path("key").asText())) {
        return tag.path("value").asText();
      }
    }
    return null;
  }

  static String serviceOf(JsonNode trace, JsonNode span) {
    return trace.path("processes").path(span.path("processID").asText()).path("serviceName")
        .asText();
  }

  @Override
  public void close() {
    try {
      collector.close();
    } finally {
      jaeger.close();
    }
  }
}

package dev.perftrace.collectorconfig;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Structural checks of the OpenTelemetry Collector configurations. There is no otelcol binary in
 * Debian, so the configurations are parsed, not run.
 */
class CollectorConfigTest {

  private static final List<String> KINDS = List.of("receivers", "processors", "exporters");

  private static Map<String, Object> config(String file) {
    return ConfigFiles.yaml(ConfigFiles.resolve("otelcol/" + file));
  }

  private static Map<String, Object> section(Map<String, Object> config, String name) {
    return ConfigFiles.asMap(config.get(name), name);
  }

  private static Map<String, Object> pipelines(Map<String, Object> config) {
    return ConfigFiles.asMap(section(config, "service").get("pipelines"), "service.pipelines");
  }

  private static Map<String, Object> pipeline(Map<String, Object> config, String name) {
    return ConfigFiles.asMap(pipelines(config).get(name), "pipeline " + name);
  }

  private static List<String> ids(Map<String, Object> pipeline, String kind) {
    List<String> ids = new ArrayList<>();
    ConfigFiles.asList(pipeline.get(kind), kind).forEach(id -> ids.add(String.valueOf(id)));
    return ids;
  }

  private static String type(String componentId) {
    int slash = componentId.indexOf('/');
    return slash < 0 ? componentId : componentId.substring(0, slash);
  }

  @ParameterizedTest
  @ValueSource(strings = {"agent.yaml", "gateway.yaml", "replay.yaml"})
  void pipelines_referenceOnlyDefinedComponents(String file) {
    Map<String, Object> config = config(file);
    Set<String> connectors = section(config, "connectors").keySet();
    List<String> undefined = new ArrayList<>();
    pipelines(config)
        .forEach(
            (name, body) -> {
              Map<String, Object> pipeline = ConfigFiles.asMap(body, name);
              for (String kind : KINDS) {
                for (String id : ids(pipeline, kind)) {
                  boolean defined =
                      section(config, kind).containsKey(id)
                          || (!kind.equals("processors") && connectors.contains(id));
                  if (!defined) {
                    undefined.add(name + "." + kind + ": " + id);
                  }
                }
              }
            });

    assertThat(pipelines(config)).isNotEmpty();
    assertThat(undefined).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"agent.yaml", "gateway.yaml", "replay.yaml"})
  void pipelines_haveReceiversAndExportersAndValidNames(String file) {
    Map<String, Object> config = config(file);

    pipelines(config)
        .forEach(
            (name, body) -> {
              Map<String, Object> pipeline = ConfigFiles.asMap(body, name);
              assertThat(type(name)).as(name).isIn("traces", "metrics", "logs");
              assertThat(ids(pipeline, "receivers")).as(name + " receivers").isNotEmpty();
              assertThat(ids(pipeline, "exporters")).as(name + " exporters").isNotEmpty();
            });
  }

  @ParameterizedTest
  @ValueSource(strings = {"agent.yaml", "gateway.yaml", "replay.yaml"})
  void definedComponents_areAllUsed(String file) {
    Map<String, Object> config = config(file);
    Set<String> used = new TreeSet<>();
    pipelines(config)
        .values()
        .forEach(
            body -> {
              for (String kind : KINDS) {
                used.addAll(ids(ConfigFiles.asMap(body, "pipeline"), kind));
              }
            });
    List<String> unused = new ArrayList<>();
    for (String kind : List.of("receivers", "processors", "exporters", "connectors")) {
      for (String id : section(config, kind).keySet()) {
        if (!used.contains(id)) {
          unused.add(kind + ": " + id);
        }
      }
    }
    List<String> enabledExtensions = new ArrayList<>();
    ConfigFiles.asList(section(config, "service").get("extensions"), "service.extensions")
        .forEach(id -> enabledExtensions.add(String.valueOf(id)));

    assertThat(unused).isEmpty();
    assertThat(enabledExtensions)
        .containsExactlyInAnyOrderElementsOf(section(config, "extensions").keySet());
  }

  @ParameterizedTest
  @ValueSource(strings = {"agent.yaml", "gateway.yaml", "replay.yaml"})
  void pipelines_startWithMemoryLimiter(String file) {
    Map<String, Object> config = config(file);
    assertThat(pipelines(config)).containsOnlyKeys("traces", "metrics");

    pipelines(config)
        .forEach(
            (name, body) ->
                assertThat(ids(ConfigFiles.asMap(body, name), "processors"))
                    .as(name + " processors")
                    .first()
                    .extracting(CollectorConfigTest::type)
                    .isEqualTo("memory_limiter"));
  }

  @Test
  void agent_pipelines_endWithBatch() {
    Map<String, Object> config = config("agent.yaml");
    assertThat(pipelines(config)).containsOnlyKeys("traces", "metrics");

    pipelines(config)
        .forEach(
            (name, body) ->
                assertThat(ids(ConfigFiles.asMap(body, name), "processors"))
                    .as(name + " processors")
                    .last()
                    .extracting(CollectorConfigTest::type)
                    .isEqualTo("batch"));
  }

  @Test
  void agent_otlpReceiver_listensOnGrpcAndHttp() {
    Map<String, Object> otlp =
        ConfigFiles.asMap(section(config("agent.yaml"), "receivers").get("otlp"), "otlp");
    Map<String, Object> protocols = ConfigFiles.asMap(otlp.get("protocols"), "protocols");

    assertThat(ConfigFiles.asMap(protocols.get("grpc"), "grpc").get("endpoint"))
        .isEqualTo("${env:PERFTRACE_OTLP_GRPC_ENDPOINT:-0.0.0.0:4317}");
    assertThat(ConfigFiles.asMap(protocols.get("http"), "http").get("endpoint"))
        .isEqualTo("${env:PERFTRACE_OTLP_HTTP_ENDPOINT:-0.0.0.0:4318}");
    assertThat(ids(pipeline(config("agent.yaml"), "traces"), "receivers")).containsExactly("otlp");
    assertThat(ids(pipeline(config("agent.yaml"), "metrics"), "receivers")).containsExactly("otlp");
  }

  @Test
  void agent_traces_exportToJaegerOverOtlp() {
    Map<String, Object> config = config("agent.yaml");
    List<String> exporters = ids(pipeline(config, "traces"), "exporters");

    assertThat(exporters).containsExactly("otlp/jaeger");
    assertThat(ConfigFiles.asMap(section(config, "exporters").get("otlp/jaeger"), "otlp/jaeger"))
        .containsEntry("endpoint", "${env:PERFTRACE_JAEGER_OTLP_ENDPOINT:-jaeger:4317}");
  }

  @Test
  void agent_metrics_exportToPrometheusInOpenMetrics() {
    Map<String, Object> config = config("agent.yaml");
    List<String> exporters = ids(pipeline(config, "metrics"), "exporters");

    assertThat(exporters).containsExactly("prometheus");
    assertThat(ConfigFiles.asMap(section(config, "exporters").get("prometheus"), "prometheus"))
        .containsEntry("endpoint", "${env:PERFTRACE_PROMETHEUS_ENDPOINT:-0.0.0.0:8889}")
        .containsEntry("enable_open_metrics", true);
  }

  @Test
  void gateway_traces_areLoadBalancedByTraceId() {
    Map<String, Object> config = config("gateway.yaml");
    List<String> exporters = ids(pipeline(config, "traces"), "exporters");

    assertThat(exporters).hasSize(1);
    assertThat(type(exporters.get(0))).isEqualTo("loadbalancing");
    Map<String, Object> exporter =
        ConfigFiles.asMap(section(config, "exporters").get(exporters.get(0)), exporters.get(0));
    assertThat(exporter).containsEntry("routing_key", "traceID");
    assertThat(ConfigFiles.asMap(exporter.get("protocol"), "protocol")).containsKey("otlp");
  }

  @Test
  void gateway_resolver_targetsTheAgentCollectors() {
    Map<String, Object> exporters = section(config("gateway.yaml"), "exporters");

    for (String id : exporters.keySet()) {
      Map<String, Object> resolver =
          ConfigFiles.asMap(ConfigFiles.asMap(exporters.get(id), id).get("resolver"), "resolver");
      Map<String, Object> dns = ConfigFiles.asMap(resolver.get("dns"), id + " resolver.dns");
      assertThat(dns)
          .as(id)
          .containsEntry("hostname", "${env:PERFTRACE_GATEWAY_DOWNSTREAM_HOSTNAME:-otel-collector}")
          .containsEntry("port", "${env:PERFTRACE_GATEWAY_DOWNSTREAM_PORT:-4317}");
    }
    Path compose = ConfigFiles.resolve("compose.yaml");
    assertThat(ConfigFiles.asMap(ConfigFiles.yaml(compose).get("services"), "services"))
        .containsKey("otel-collector");
  }
}

package dev.perftrace.collectorconfig;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The Grafana dashboard against its datasource and dashboard provisioning files. */
class GrafanaProvisioningTest {

  private static List<Map<String, Object>> datasources() {
    List<Map<String, Object>> out = new ArrayList<>();
    Object list =
        ConfigFiles.yaml(ConfigFiles.resolve("grafana/provisioning/datasources/datasources.yaml"))
            .get("datasources");
    ConfigFiles.asList(list, "datasources").forEach(d -> out.add(ConfigFiles.asMap(d, "ds")));
    return out;
  }

  private static Map<String, Object> datasourceOfType(String type) {
    return datasources().stream()
        .filter(d -> type.equals(d.get("type")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + type + " datasource"));
  }

  private static List<JsonNode> queryPanels() {
    return ConfigFiles.dashboardPanels().stream()
        .filter(p -> !"row".equals(p.path("type").asText()))
        .collect(Collectors.toList());
  }

  @Test
  void dashboard_datasourceReferences_areProvisioned() {
    List<String> provisioned =
        datasources().stream().map(d -> String.valueOf(d.get("uid"))).collect(Collectors.toList());
    List<String> referenced = new ArrayList<>();
    for (JsonNode panel : queryPanels()) {
      referenced.add(panel.path("datasource").path("uid").asText("<none>"));
      panel.path("targets").forEach(t -> referenced.add(t.path("datasource").path("uid").asText()));
    }
    ConfigFiles.json(ConfigFiles.dashboard())
        .path("templating")
        .path("list")
        .forEach(v -> referenced.add(v.path("datasource").path("uid").asText("<none>")));

    assertThat(referenced).isNotEmpty();
    assertThat(provisioned).containsAll(referenced);
  }

  @Test
  void dashboard_everyPanel_hasPromqlExpr() {
    List<String> withoutExpr = new ArrayList<>();
    for (JsonNode panel : queryPanels()) {
      if (panel.path("targets").isEmpty()) {
        withoutExpr.add(panel.path("title").asText());
      }
      panel
          .path("targets")
          .forEach(
              t -> {
                if (t.path("expr").asText().isBlank()) {
                  withoutExpr.add(panel.path("title").asText() + " " + t.path("refId").asText());
                }
              });
    }

    assertThat(queryPanels()).hasSizeGreaterThanOrEqualTo(20);
    assertThat(withoutExpr).isEmpty();
  }

  @Test
  void dashboard_latencyPanels_showExemplarsOfHistogramBuckets() {
    List<JsonNode> latencyPanels =
        queryPanels().stream()
            .filter(p -> p.path("title").asText().toLowerCase(Locale.ROOT).contains("latency"))
            .collect(Collectors.toList());

    assertThat(latencyPanels)
        .extracting(p -> p.path("title").asText())
        .containsExactly("Operation latency p50 / p95 / p99", "Cache tier latency p95");
    for (JsonNode panel : latencyPanels) {
      assertThat(panel.path("targets")).isNotEmpty();
      for (JsonNode target : panel.path("targets")) {
        assertThat(target.path("exemplar").asBoolean()).as(target.toString()).isTrue();
        // Recorded series carry no exemplars: latency panels must query the raw buckets.
        assertThat(Promql.metricNames(target.path("expr").asText()))
            .as(target.toString())
            .singleElement()
            .asString()
            .endsWith("_duration_seconds_bucket");
      }
    }
  }

  @Test
  void dashboard_rows_coverEveryTopicOfTheIssue() {
    assertThat(ConfigFiles.dashboardPanels())
        .filteredOn(p -> "row".equals(p.path("type").asText()))
        .extracting(p -> p.path("title").asText())
        .containsExactly(
            "Latency",
            "Throughput and errors",
            "Bandwidth",
            "Cache tiers",
            "Runtime",
            "Exporter health");
  }

  @Test
  void prometheusDatasource_linksExemplarTraceIdToJaeger() {
    Map<String, Object> prometheus = datasourceOfType("prometheus");
    Map<String, Object> jaeger = datasourceOfType("jaeger");
    Map<String, Object> jsonData = ConfigFiles.asMap(prometheus.get("jsonData"), "jsonData");
    List<Object> destinations =
        ConfigFiles.asList(jsonData.get("exemplarTraceIdDestinations"), "destinations");

    assertThat(destinations)
        .containsExactly(Map.of("name", "trace_id", "datasourceUid", jaeger.get("uid")));
    assertThat(prometheus).containsEntry("url", "http://prometheus:9090");
    assertThat(jaeger).containsEntry("url", "http://jaeger:16686");
  }

  @Test
  void datasourceUrls_matchTheComposeServicesAndTheirConfiguredPorts() {
    Map<String, Object> services = ComposeFileTest.services();
    assertThat(services).containsKeys("prometheus", "jaeger");
    assertThat(ComposeFileTest.strings(ComposeFileTest.service("prometheus").get("ports"), "ports"))
        .contains("9090:9090");
    assertThat(ComposeFileTest.strings(ComposeFileTest.service("jaeger").get("ports"), "ports"))
        .contains("16686:16686");
    // The Jaeger query API listens (by default, i.e. in compose) on the port the datasource uses.
    Map<String, Object> query =
        ConfigFiles.asMap(
            ConfigFiles.asMap(
                    ConfigFiles.yaml(ConfigFiles.resolve("jaeger/config.yaml")).get("extensions"),
                    "extensions")
                .get("jaeger_query"),
            "jaeger_query");
    assertThat(ConfigFiles.asMap(query.get("http"), "http"))
        .containsEntry("endpoint", "${env:PERFTRACE_JAEGER_QUERY_HTTP_ENDPOINT:-0.0.0.0:16686}");
    // Prometheus scrapes the agent's prometheus exporter at its default port.
    assertThat(ConfigFiles.prometheusConfig()).content().contains("otel-collector:8889");
  }

  @Test
  void dashboardProvider_readsWhereComposeMountsTheDashboards() {
    Object providers =
        ConfigFiles.yaml(ConfigFiles.resolve("grafana/provisioning/dashboards/dashboards.yaml"))
            .get("providers");
    Map<String, Object> provider =
        ConfigFiles.asMap(ConfigFiles.asList(providers, "providers").get(0), "provider");
    String path =
        String.valueOf(ConfigFiles.asMap(provider.get("options"), "options").get("path"));

    assertThat(ComposeFileTest.bindMounts("grafana")).containsEntry(path, "./grafana/dashboards");
  }
}

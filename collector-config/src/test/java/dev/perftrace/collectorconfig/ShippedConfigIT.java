package dev.perftrace.collectorconfig;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perftrace.testing.Poll;
import dev.perftrace.testing.PrometheusServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped prometheus.yml and compose command line run by a real Prometheus: both jobs scrape,
 * both rule files load, and the OpenMetrics scrape keeps the exemplars the dashboard links to
 * Jaeger with.
 */
class ShippedConfigIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private static Workload workload;
  private static PrometheusServer prometheus;

  @BeforeAll
  static void start() {
    workload = WorkloadSource.start();
    prometheus = ShippedPrometheus.start(workload.hostPort());
  }

  @AfterAll
  static void stop() {
    if (prometheus != null) {
      prometheus.close();
    }
    if (workload != null) {
      workload.close();
    }
  }

  private static Set<String> upJobs() {
    Set<String> jobs = new TreeSet<>();
    for (JsonNode target : prometheus.get("/api/v1/targets").path("data").path("activeTargets")) {
      if ("up".equals(target.path("health").asText())) {
        jobs.add(target.path("labels").path("job").asText());
      }
    }
    return jobs;
  }

  @Test
  void scrapeConfigs_everyJobScrapesSuccessfully() {
    Set<String> jobs =
        Poll.until(
            "both jobs to be scraped",
            TIMEOUT,
            ShippedConfigIT::upJobs,
            up -> up.size() == 2);

    assertThat(jobs).containsExactly("otel-collector", "perftrace");
  }

  @Test
  void ruleFiles_everyGroupIsLoaded() {
    List<String> groups = new ArrayList<>();
    prometheus.rules().path("groups").forEach(g -> groups.add(g.path("name").asText()));

    assertThat(groups)
        .containsExactlyInAnyOrder(
            "perftrace-operations", "perftrace-transfers", "perftrace-caches", "perftrace-alerts");
  }

  @Test
  void scrape_keepsExemplarsWithTraceIds() {
    JsonNode exemplarSeries =
        Poll.until(
            "an exemplar on the operation duration buckets",
            TIMEOUT,
            () -> prometheus.queryExemplars("perftrace_operation_duration_seconds_bucket{job=\"perftrace\"}"),
            data -> data.size() > 0 && data.get(0).path("exemplars").size() > 0);

    JsonNode labels = exemplarSeries.get(0).path("exemplars").get(0).path("labels");
    assertThat(labels.path("trace_id").asText()).matches("[0-9a-f]{32}");
    assertThat(labels.path("span_id").asText()).matches("[0-9a-f]{16}");
  }
}

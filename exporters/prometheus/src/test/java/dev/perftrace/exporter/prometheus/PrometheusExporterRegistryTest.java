package dev.perftrace.exporter.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import org.junit.jupiter.api.Test;

class PrometheusExporterRegistryTest {

  @Test
  void register_appRegistry_servesSdkMetricsNextToAppMetrics() {
    CollectorRegistry app = new CollectorRegistry();
    Counter.build("app_requests", "App requests").register(app).inc(4);
    try (Fixture f = new Fixture(Fixture.collectorOnly())) {
      f.exporter.register(app);
      f.meter("store").counterBuilder("perftrace.cache.requests").setUnit("{request}").build()
          .add(3);

      assertThat(app.getSampleValue("app_requests_total")).isEqualTo(4.0);
      assertThat(
              app.getSampleValue(
                  "perftrace_cache_requests_total",
                  new String[] {"otel_scope_name", "otel_scope_version"},
                  new String[] {"store", "1.0"}))
          .isEqualTo(3.0);
    }
  }

  @Test
  void build_withServer_leavesDefaultRegistryUntouched() {
    try (Fixture f = new Fixture(PrometheusExporter.builder().setPort(0).build())) {
      f.meter("store").counterBuilder("isolation.probe").build().add(1);

      assertThat(f.exporter.port()).isPositive();
      assertThat(
              CollectorRegistry.defaultRegistry.getSampleValue(
                  "isolation_probe_total",
                  new String[] {"otel_scope_name", "otel_scope_version"},
                  new String[] {"store", "1.0"}))
          .isNull();
    }
  }
}

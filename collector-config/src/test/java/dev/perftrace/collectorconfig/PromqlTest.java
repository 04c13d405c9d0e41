package dev.perftrace.collectorconfig;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromqlTest {

  @Test
  void metricNames_histogramQuantile_returnsBucketMetricOnly() {
    assertThat(
            Promql.metricNames(
                "histogram_quantile(0.95, sum by (job, perftrace_operation_name, le)"
                    + " (rate(perftrace_operation_duration_seconds_bucket{job=~\"$job\"}[5m])))"))
        .containsExactly("perftrace_operation_duration_seconds_bucket");
  }

  @Test
  void metricNames_binaryOperationWithOr_returnsBothSides() {
    assertThat(
            Promql.metricNames(
                "(sum by (a) (rate(x_total{r=\"hit\"}[5m])) or 0 * sum by (a) (rate(y_total[5m])))"
                    + " / sum by (a) (rate(x_total[5m])) > 0.5"))
        .containsExactly("x_total", "y_total");
  }

  @Test
  void metricNames_recordingRuleNameAndVectorMatching_keepsColonNamesDropsLabels() {
    assertThat(
            Promql.metricNames(
                "perftrace_operation:duration_seconds:mean_5m > on (job) group_left (instance)"
                    + " max without (otel_scope_name) (up offset 5m) == bool 1e3"))
        .containsExactly("perftrace_operation:duration_seconds:mean_5m", "up");
  }

  @Test
  void metricNames_labelValuesInStrings_areNotNames() {
    assertThat(Promql.metricNames("count(z{a=\"by(b)\", c='sum'}) and inf"))
        .containsExactly("z");
  }
}

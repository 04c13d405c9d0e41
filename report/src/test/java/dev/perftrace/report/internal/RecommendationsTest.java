package dev.perftrace.report.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perftrace.report.internal.ReportData.CacheTierStats;
import dev.perftrace.report.internal.ReportData.OperationStats;
import dev.perftrace.report.internal.ReportData.Recommendation;
import dev.perftrace.report.internal.ReportData.Severity;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RecommendationsTest {

  private static final double NAN = Double.NaN;

  private static OperationStats operation(double mean, double errorRatio) {
    return new OperationStats("op", 100, NAN, 0, errorRatio, mean, NAN, NAN, NAN);
  }

  private static String severities(List<Recommendation> recommendations, String subject) {
    return recommendations.stream()
        .filter(r -> r.subject().equals(subject))
        .map(r -> r.severity().name())
        .collect(Collectors.joining(","));
  }

  @ParameterizedTest(name = "mean {0} s -> [{1}]")
  @CsvSource({
    "0.4, ''",
    "0.5, ''",
    "0.5000001, WARNING",
    "1.0, WARNING",
    "1.0000001, CRITICAL",
    "NaN, ''"
  })
  void of_slowOperationMean_comparesStrictlyWithWarningAndCritical(double mean, String expected) {
    List<Recommendation> r = Recommendations.of(List.of(operation(mean, 0)), List.of(), NAN, NAN);
    assertThat(severities(r, "operation_latency")).isEqualTo(expected);
  }

  @ParameterizedTest(name = "error ratio {0} -> [{1}]")
  @CsvSource({"0.04, ''", "0.05, ''", "0.0500001, WARNING", "1.0, WARNING", "NaN, ''"})
  void of_errorRatio_warnsAboveFivePercent(double ratio, String expected) {
    List<Recommendation> r = Recommendations.of(List.of(operation(0, ratio)), List.of(), NAN, NAN);
    assertThat(severities(r, "operation_errors")).isEqualTo(expected);
  }

  @ParameterizedTest(name = "hit ratio {0} -> [{1}]")
  @CsvSource({
    "0.9, ''",
    "0.8, ''",
    "0.7999999, WARNING",
    "0.5, WARNING",
    "0.4999999, CRITICAL",
    "NaN, ''"
  })
  void of_cacheHitRatio_comparesStrictlyWithWarningAndCritical(double ratio, String expected) {
    List<Recommendation> r =
        Recommendations.of(List.of(), List.of(new CacheTierStats("c", "t", 0, 0, ratio)), NAN, NAN);
    assertThat(severities(r, "cache_hit_ratio")).isEqualTo(expected);
  }

  @ParameterizedTest(name = "cpu {0} -> [{1}]")
  @CsvSource({
    "0.7, ''",
    "0.75, ''",
    "0.7500001, WARNING",
    "0.9, WARNING",
    "0.9000001, CRITICAL",
    "NaN, ''"
  })
  void of_cpuUtilization_comparesStrictlyWithWarningAndCritical(double cpu, String expected) {
    List<Recommendation> r = Recommendations.of(List.of(), List.of(), cpu, NAN);
    assertThat(severities(r, "cpu")).isEqualTo(expected);
  }

  @ParameterizedTest(name = "heap {0} -> [{1}]")
  @CsvSource({"0.8, ''", "0.9, ''", "0.9000001, CRITICAL", "NaN, ''"})
  void of_heapUtilization_isCriticalAboveNinetyPercent(double heap, String expected) {
    List<Recommendation> r = Recommendations.of(List.of(), List.of(), NAN, heap);
    assertThat(severities(r, "heap")).isEqualTo(expected);
  }

  @Test
  void of_mixedFindings_listsCriticalBeforeWarning() {
    List<Recommendation> r =
        Recommendations.of(
            List.of(operation(0.7, 0)), List.of(new CacheTierStats("c", "t", 1, 9, 0.1)), NAN,
            NAN);
    assertThat(r).extracting(Recommendation::severity)
        .containsExactly(Severity.CRITICAL, Severity.WARNING);
  }
}

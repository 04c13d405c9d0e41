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
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every rule and dashboard expression evaluated by a real Prometheus that loads the rule files and
 * scrapes a workload: each returns series with exactly the labels its aggregation keeps, the
 * scrape job, and plausible values ({@link SeriesCheck}); every metric an expression selects must
 * exist in that scrape.
 */
class RuleEvaluationIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private static Workload workload;
  private static PrometheusServer prometheus;

  @BeforeAll
  static void startPrometheus() {
    workload = WorkloadSource.start();
    prometheus =
        PrometheusServer.builder()
            .addTarget(workload.hostPort())
            .addRuleFile(ConfigFiles.recordingRules())
            .addRuleFile(ConfigFiles.alertRules())
            .start();
    prometheus.awaitTargetsUp(TIMEOUT);
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

  static List<String> ruleExpressions() {
    return ConfigFiles.ruleExpressions();
  }

  /** Dashboard expressions with the template variable replaced by its "All" value. */
  static List<String> dashboardExpressions() {
    return ConfigFiles.dashboardExpressions().stream()
        .map(expr -> expr.replace("$job", ".+"))
        .collect(Collectors.toList());
  }

  /** Metric names the expressions select, minus the names the rules record. */
  private static Set<String> selectedMetrics(List<String> expressions) {
    Set<String> names = new TreeSet<>();
    expressions.forEach(expr -> names.addAll(Promql.metricNames(expr)));
    names.removeAll(ConfigFiles.recordedNames());
    return names;
  }

  /** Waits (bounded) until Prometheus has stored every wanted name, then returns what it has. */
  private static Set<String> storedNames(Set<String> wanted) {
    try {
      Poll.until(
          "Prometheus to store " + wanted, TIMEOUT, () -> prometheus.metricNames().containsAll(wanted));
    } catch (AssertionError timeout) {
      // fall through: the assertion below names the missing metrics
    }
    return new TreeSet<>(prometheus.metricNames());
  }

  @ParameterizedTest
  @MethodSource("ruleExpressions")
  void ruleExpression_returnsSeriesWithTheExpectedLabelsAndValues(String expr) {
    check().check(expr, TIMEOUT);
  }

  @ParameterizedTest
  @MethodSource("dashboardExpressions")
  void dashboardExpression_returnsSeriesWithTheExpectedLabelsAndValues(String expr) {
    check().check(expr, TIMEOUT);
  }

  private static SeriesCheck check() {
    return new SeriesCheck(prometheus, SeriesCheck.recordingRules(), PrometheusServer.JOB);
  }

  @Test
  void ruleExpressions_selectOnlyScrapedMetrics() {
    Set<String> selected = selectedMetrics(ruleExpressions());

    Set<String> stored = storedNames(selected);

    assertThat(selected).hasSizeGreaterThanOrEqualTo(9);
    assertThat(stored).containsAll(selected);
  }

  @Test
  void dashboardExpressions_selectOnlyScrapedMetrics() {
    Set<String> selected = selectedMetrics(dashboardExpressions());

    Set<String> stored = storedNames(selected);

    assertThat(selected).hasSizeGreaterThanOrEqualTo(15);
    assertThat(stored).containsAll(selected);
  }

  @Test
  void loadedRules_allEvaluateHealthy() {
    int expected = ruleExpressions().size();

    List<String> states =
        Poll.until(
            "every rule to be evaluated",
            TIMEOUT,
            RuleEvaluationIT::ruleStates,
            s -> s.size() == expected && s.stream().allMatch(state -> state.endsWith(" evaluated")));

    assertThat(states).hasSize(expected).hasSize(20).allMatch(state -> state.contains(" ok "));
  }

  /** "name health evaluated|pending-first-evaluation" for every loaded rule. */
  private static List<String> ruleStates() {
    List<String> states = new ArrayList<>();
    for (JsonNode group : prometheus.rules().path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        boolean evaluated = !rule.path("lastEvaluation").asText().startsWith("0001-");
        states.add(
            rule.path("name").asText()
                + " "
                + rule.path("health").asText()
                + " "
                + (evaluated ? "evaluated" : "pending-first-evaluation")
                + (rule.hasNonNull("lastError") && !rule.path("lastError").asText().isEmpty()
                    ? " error: " + rule.path("lastError").asText()
                    : ""));
      }
    }
    return states;
  }
}

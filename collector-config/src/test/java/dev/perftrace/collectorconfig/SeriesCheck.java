package dev.perftrace.collectorconfig;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perftrace.testing.Poll;
import dev.perftrace.testing.PrometheusServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a rule or dashboard expression must return against a real scrape: at least one series,
 * each with exactly the labels its aggregation keeps (the {@code by (...)} clause, without
 * {@code le} under {@code histogram_quantile}; a recorded series adds {@code __name__}), the
 * expected {@code job}, and a finite, non-negative value (at most 1 for a ratio). An alert
 * expression ({@code left > threshold}) is checked on its left side, and its result must be
 * exactly the left side's series that pass the threshold, both evaluated at one instant.
 * Test helper; not thread-safe.
 */
final class SeriesCheck {

  private static final Pattern BY = Pattern.compile("\\bby\\s*\\(([^)]*)\\)");
  private static final Pattern RECORDED =
      Pattern.compile("^([a-zA-Z_][a-zA-Z0-9_]*:[a-zA-Z0-9_:]+)(\\{.*\\})?$");
  private static final Pattern RATIO = Pattern.compile("[_:]ratio");
  private static final Pattern OUTCOME_FILTER =
      Pattern.compile(",?\\s*perftrace_operation_outcome=\"([a-z]+)\"");
  private static final Pattern COMPARISON =
      Pattern.compile("^(.*?)\\s*(>|<|==)\\s*([0-9.]+)$", Pattern.DOTALL);

  private final PrometheusServer prometheus;
  private final Map<String, String> recordingRules;
  private final String job;

  /** {@code recordingRules}: recorded name to its rule's expression. */
  SeriesCheck(PrometheusServer prometheus, Map<String, String> recordingRules, String job) {
    this.prometheus = prometheus;
    this.recordingRules = recordingRules;
    this.job = job;
  }

  static Map<String, String> recordingRules() {
    Map<String, String> rules = new LinkedHashMap<>();
    for (java.nio.file.Path file : ConfigFiles.ruleFiles()) {
      for (Map<String, Object> rule : ConfigFiles.rules(file)) {
        if (rule.containsKey("record")) {
          rules.put(String.valueOf(rule.get("record")), String.valueOf(rule.get("expr")).trim());
        }
      }
    }
    return rules;
  }

  /** The label names every series of {@code expr} carries. */
  Set<String> expectedLabels(String expr) {
    String flat = expr.replaceAll("\\s+", " ").trim();
    Matcher recorded = RECORDED.matcher(flat);
    if (recorded.matches()) {
      String rule = recordingRules.get(recorded.group(1));
      assertThat(rule).as("recording rule for %s", recorded.group(1)).isNotNull();
      Set<String> labels = expectedLabels(rule);
      labels.add("__name__");
      return labels;
    }
    Matcher by = BY.matcher(flat);
    assertThat(by.find()).as("an aggregation with by (...) in %s", flat).isTrue();
    Set<String> labels =
        Arrays.stream(by.group(1).split(","))
            .map(String::trim)
            .filter(l -> !l.isEmpty())
            .collect(Collectors.toCollection(TreeSet::new));
    if (flat.startsWith("histogram_quantile(")) {
      labels.remove("le");
    }
    return labels;
  }

  /** Checks {@code expr} (an alert's is split at its threshold); polls until it has series. */
  void check(String expr, Duration timeout) {
    String flat = expr.replaceAll("\\s+", " ").trim();
    Matcher comparison = COMPARISON.matcher(flat);
    if (comparison.matches() && !flat.contains(" bool ")) {
      String left = comparison.group(1);
      String operator = comparison.group(2);
      double threshold = Double.parseDouble(comparison.group(3));
      long at = awaitSeries(left, timeout);
      Map<Map<String, String>, Double> leftSeries = series(left, at);
      checkSeries(left, leftSeries);
      Map<Map<String, String>, Double> passing = new TreeMap<>(SeriesCheck::compareLabels);
      leftSeries.forEach(
          (labels, value) -> {
            boolean pass =
                operator.equals(">")
                    ? value > threshold
                    : operator.equals("<") ? value < threshold : value == threshold;
            if (pass) {
              passing.put(labels, value);
            }
          });
      assertThat(series(flat, at)).as("%s at %s", flat, at).isEqualTo(passing);
      return;
    }
    Matcher outcome = OUTCOME_FILTER.matcher(flat);
    if (outcome.find() && !workloadHas(outcome.group(1))) {
      // the workload records no operation with this outcome: the expression is rightly empty,
      // and without the outcome filter it must return the series it would split
      long now = System.currentTimeMillis() / 1000;
      assertThat(series(flat, now)).as("%s while no operation is %s", flat, outcome.group(1))
          .isEmpty();
      String unfiltered = outcome.replaceFirst("").replace("{}", "");
      long at = awaitSeries(unfiltered, timeout);
      checkSeries(unfiltered, series(unfiltered, at));
      return;
    }
    long at = awaitSeries(flat, timeout);
    checkSeries(flat, series(flat, at));
  }

  private boolean workloadHas(String outcome) {
    return !series(
            "count(perftrace_operation_duration_seconds_count{perftrace_operation_outcome=\""
                + outcome
                + "\"})",
            System.currentTimeMillis() / 1000)
        .isEmpty();
  }

  private void checkSeries(String expr, Map<Map<String, String>, Double> series) {
    Set<String> labels = expectedLabels(expr);
    assertThat(series).as("series of %s", expr).isNotEmpty();
    boolean ratio = RATIO.matcher(expr).find() || expr.contains(" / ");
    for (Map.Entry<Map<String, String>, Double> s : series.entrySet()) {
      assertThat(s.getKey().keySet()).as("labels of %s in %s", s.getKey(), expr)
          .isEqualTo(labels);
      if (labels.contains("job")) {
        assertThat(s.getKey().get("job")).as("job of %s in %s", s.getKey(), expr).isEqualTo(job);
      }
      for (String label : labels) {
        assertThat(s.getKey().get(label)).as("%s of %s in %s", label, s.getKey(), expr)
            .isNotEmpty();
      }
      double value = s.getValue();
      assertThat(Double.isFinite(value)).as("finite value of %s in %s: %s", s.getKey(), expr, value)
          .isTrue();
      assertThat(value).as("value of %s in %s", s.getKey(), expr).isGreaterThanOrEqualTo(0);
      if (ratio) {
        assertThat(value).as("ratio %s in %s", s.getKey(), expr).isLessThanOrEqualTo(1);
      }
    }
  }

  /** Polls until {@code expr} has a series; returns the instant (epoch seconds) it had one. */
  private long awaitSeries(String expr, Duration timeout) {
    return Poll.until(
        "series of " + expr,
        timeout,
        () -> {
          long now = System.currentTimeMillis() / 1000;
          return series(expr, now).isEmpty() ? -1L : now;
        },
        at -> at > 0);
  }

  /** The instant vector of {@code expr} at {@code at}: labels to value. */
  Map<Map<String, String>, Double> series(String expr, long at) {
    JsonNode result =
        prometheus
            .get(
                "/api/v1/query?query="
                    + URLEncoder.encode(expr, StandardCharsets.UTF_8)
                    + "&time="
                    + at)
            .path("data")
            .path("result");
    Map<Map<String, String>, Double> series = new TreeMap<>(SeriesCheck::compareLabels);
    for (JsonNode s : result) {
      Map<String, String> labels = new TreeMap<>();
      Iterator<String> names = s.path("metric").fieldNames();
      while (names.hasNext()) {
        String name = names.next();
        labels.put(name, s.path("metric").path(name).asText());
      }
      series.put(labels, Double.parseDouble(s.path("value").path(1).asText()));
    }
    return series;
  }

  private static int compareLabels(Map<String, String> a, Map<String, String> b) {
    return a.toString().compareTo(b.toString());
  }
}

package dev.perftrace.collectorconfig;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The rule files against their promtool unit tests and the thresholds of PRODUCT.md. */
class RuleFilesTest {

  private static final Pattern FINAL_COMPARISON =
      Pattern.compile("(?:>|<|==|>=|<=|!=)\\s*([0-9]+(?:\\.[0-9]+)?)\\s*$");

  /** One alert rule: an alert name with one severity. */
  private static String key(Map<String, Object> rule) {
    return rule.get("alert") + "/" + labels(rule).get("severity");
  }

  private static Map<String, Object> labels(Map<String, Object> rule) {
    return ConfigFiles.asMap(rule.get("labels"), rule.get("alert") + " labels");
  }

  private static List<Map<String, Object>> alertRules() {
    return ConfigFiles.rules(ConfigFiles.alertRules());
  }

  /** Every alert_rule_test of every promtool test file. */
  private static List<Map<String, Object>> alertCases() {
    List<Map<String, Object>> cases = new ArrayList<>();
    for (Path file : ConfigFiles.ruleTestFiles()) {
      for (Object test : ConfigFiles.asList(ConfigFiles.yaml(file).get("tests"), file + " tests")) {
        Object list = ConfigFiles.asMap(test, "test").get("alert_rule_test");
        for (Object c : ConfigFiles.asList(list, file + " alert_rule_test")) {
          cases.add(ConfigFiles.asMap(c, "alert_rule_test"));
        }
      }
    }
    return cases;
  }

  /** Every promql_expr_test of every promtool test file. */
  private static List<Map<String, Object>> exprCases() {
    List<Map<String, Object>> cases = new ArrayList<>();
    for (Path file : ConfigFiles.ruleTestFiles()) {
      for (Object test : ConfigFiles.asList(ConfigFiles.yaml(file).get("tests"), file + " tests")) {
        Object list = ConfigFiles.asMap(test, "test").get("promql_expr_test");
        for (Object c : ConfigFiles.asList(list, file + " promql_expr_test")) {
          cases.add(ConfigFiles.asMap(c, "promql_expr_test"));
        }
      }
    }
    return cases;
  }

  private static List<String> expectedSeverities(Map<String, Object> alertCase) {
    List<String> severities = new ArrayList<>();
    for (Object alert : ConfigFiles.asList(alertCase.get("exp_alerts"), "exp_alerts")) {
      Object labels = ConfigFiles.asMap(alert, "exp_alert").get("exp_labels");
      severities.add(String.valueOf(ConfigFiles.asMap(labels, "exp_labels").get("severity")));
    }
    return severities;
  }

  @Test
  void alertRules_eachHasFiringCase() {
    List<Map<String, Object>> cases = alertCases();
    List<String> withoutFiringCase = new ArrayList<>();
    for (Map<String, Object> rule : alertRules()) {
      boolean firing =
          cases.stream()
              .anyMatch(
                  c ->
                      rule.get("alert").equals(c.get("alertname"))
                          && expectedSeverities(c).contains(labels(rule).get("severity")));
      if (!firing) {
        withoutFiringCase.add(key(rule));
      }
    }

    assertThat(alertRules()).hasSize(10);
    assertThat(withoutFiringCase).isEmpty();
  }

  @Test
  void alertRules_eachHasNotFiringCase() {
    List<Map<String, Object>> cases = alertCases();
    List<String> withoutQuietCase = new ArrayList<>();
    for (Map<String, Object> rule : alertRules()) {
      boolean quiet =
          cases.stream()
              .anyMatch(
                  c ->
                      rule.get("alert").equals(c.get("alertname"))
                          && !expectedSeverities(c).contains(labels(rule).get("severity")));
      if (!quiet) {
        withoutQuietCase.add(key(rule));
      }
    }

    assertThat(withoutQuietCase).isEmpty();
  }

  @Test
  void alertRules_thresholds_areThoseOfProduct() {
    Map<String, String> thresholds = new LinkedHashMap<>();
    for (Map<String, Object> rule : alertRules()) {
      Matcher m = FINAL_COMPARISON.matcher(String.valueOf(rule.get("expr")).trim());
      thresholds.put(key(rule), m.find() ? m.group(1) : "<no final comparison>");
    }

    assertThat(thresholds)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "PerfTraceSlowOperation/warning", "0.5",
                "PerfTraceSlowOperation/critical", "1",
                "PerfTraceCacheHitRatioLow/warning", "0.8",
                "PerfTraceCacheHitRatioLow/critical", "0.5",
                "PerfTraceErrorRatioHigh/warning", "0.05",
                "PerfTraceCpuHigh/warning", "0.75",
                "PerfTraceCpuHigh/critical", "0.9",
                "PerfTraceHeapHigh/critical", "0.9",
                "PerfTraceExporterDroppingData/warning", "0",
                "PerfTraceExporterDown/critical", "0"));
  }

  @Test
  void alertRules_annotations_nameTheirThreshold() {
    List<String> missing = new ArrayList<>();
    for (Map<String, Object> rule : alertRules()) {
      Map<String, Object> annotations =
          ConfigFiles.asMap(rule.get("annotations"), key(rule) + " annotations");
      Matcher m = FINAL_COMPARISON.matcher(String.valueOf(rule.get("expr")).trim());
      String threshold = m.find() ? m.group(1) : "?";
      String summary = String.valueOf(annotations.get("summary"));
      String description = String.valueOf(annotations.get("description"));
      if (annotations.get("summary") == null
          || summary.isBlank()
          || !description.contains(threshold)) {
        missing.add(key(rule) + " (threshold " + threshold + "): " + description);
      }
    }

    assertThat(missing).isEmpty();
  }

  @Test
  void alertRules_severity_isWarningOrCritical() {
    assertThat(alertRules())
        .extracting(rule -> String.valueOf(labels(rule).get("severity")))
        .containsOnly("warning", "critical");
  }

  @Test
  void recordingRules_names_followLevelMetricOperations() {
    assertThat(ConfigFiles.recordedNames())
        .allMatch(name -> name.matches("[a-z_]+:[a-z_]+:[a-z0-9_]+"))
        .containsExactlyInAnyOrder(
            "perftrace_operation:duration_seconds:p50_5m",
            "perftrace_operation:duration_seconds:p95_5m",
            "perftrace_operation:duration_seconds:p99_5m",
            "perftrace_operation:duration_seconds:mean_5m",
            "perftrace_operation:ops:rate5m",
            "perftrace_operation:error_ratio:rate5m",
            "perftrace_transfer:bytes:rate5m",
            "perftrace_cache:hit_ratio:rate5m",
            "perftrace_cache:lookup_hit_ratio:rate5m",
            "perftrace_cache:lookups:rate5m");
  }

  @Test
  void recordingRules_eachValueAssertedInPromtoolTest() {
    List<Map<String, Object>> cases = exprCases();
    List<String> unasserted = new ArrayList<>();
    for (String name : ConfigFiles.recordedNames()) {
      boolean asserted =
          cases.stream()
              .anyMatch(
                  c ->
                      Promql.metricNames(String.valueOf(c.get("expr"))).contains(name)
                          && ConfigFiles.asList(c.get("exp_samples"), "exp_samples").stream()
                              .map(s -> ConfigFiles.asMap(s, "exp_sample"))
                              .anyMatch(
                                  s ->
                                      String.valueOf(s.get("labels")).startsWith(name + "{")
                                          && s.get("value") instanceof Number));
      if (!asserted) {
        unasserted.add(name);
      }
    }

    assertThat(unasserted).isEmpty();
  }
}

package dev.perftrace.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link Thresholds} is the one source of the report's thresholds and of the alert rules in
 * {@code collector-config/prometheus/rules/alerts.yml} (Prometheus rule files cannot import
 * values): every report threshold is an alert with the same comparison, value and severity, and
 * every alert on a report figure is a report threshold.
 */
class ThresholdsAlertRulesTest {

  private static final Path ALERTS =
      Path.of("..", "collector-config", "prometheus", "rules", "alerts.yml");
  private static final Pattern FINAL_COMPARISON =
      Pattern.compile("([<>])\\s*([0-9]+(?:\\.[0-9]+)?)\\s*$");

  /** Alert name and severity → comparison and value, as the report decides them. */
  private static final Map<String, String> REPORT =
      Map.of(
          "PerfTraceSlowOperation/warning", "> " + Thresholds.SLOW_OPERATION_MEAN_WARNING_SECONDS,
          "PerfTraceSlowOperation/critical", "> " + Thresholds.SLOW_OPERATION_MEAN_CRITICAL_SECONDS,
          "PerfTraceCacheHitRatioLow/warning", "< " + Thresholds.CACHE_HIT_RATIO_WARNING,
          "PerfTraceCacheHitRatioLow/critical", "< " + Thresholds.CACHE_HIT_RATIO_CRITICAL,
          "PerfTraceErrorRatioHigh/warning", "> " + Thresholds.ERROR_RATIO_WARNING,
          "PerfTraceCpuHigh/warning", "> " + Thresholds.CPU_UTILIZATION_WARNING,
          "PerfTraceCpuHigh/critical", "> " + Thresholds.CPU_UTILIZATION_CRITICAL,
          "PerfTraceHeapHigh/critical", "> " + Thresholds.HEAP_UTILIZATION_CRITICAL);

  /** Alerts on exporter health, which the report does not judge. */
  private static final List<String> NOT_REPORT_FIGURES =
      List.of("PerfTraceExporterDroppingData", "PerfTraceExporterDown");

  @Test
  void alertRules_onReportFigures_equalThresholds() throws IOException {
    Map<String, String> rules = new LinkedHashMap<>();
    for (Map.Entry<String, String> rule : alertRules().entrySet()) {
      if (!NOT_REPORT_FIGURES.contains(rule.getKey().substring(0, rule.getKey().indexOf('/')))) {
        rules.put(rule.getKey(), rule.getValue());
      }
    }

    assertThat(rules).containsExactlyInAnyOrderEntriesOf(REPORT);
  }

  /**
   * Reads {@code alert}, the final comparison of {@code expr} (inline or a {@code >-} block) and
   * {@code labels.severity} of every rule; the value is normalised as a Java double prints it.
   */
  private static Map<String, String> alertRules() throws IOException {
    List<String> lines = Files.readAllLines(ALERTS, StandardCharsets.UTF_8);
    Map<String, String> result = new LinkedHashMap<>();
    String alert = null;
    StringBuilder expr = null;
    int exprIndent = -1;
    String severity = null;
    for (String line : lines) {
      String trimmed = line.trim();
      int indent = line.length() - line.stripLeading().length();
      if (trimmed.startsWith("- alert:") || trimmed.startsWith("- record:")) {
        put(result, alert, expr, severity);
        alert = trimmed.startsWith("- alert:") ? trimmed.substring(8).trim() : null;
        expr = null;
        severity = null;
        exprIndent = -1;
        continue;
      }
      if (alert == null) {
        continue;
      }
      if (exprIndent >= 0 && indent > exprIndent && !trimmed.isEmpty()) {
        expr.append(' ').append(trimmed);
        continue;
      }
      exprIndent = -1;
      if (trimmed.startsWith("expr:")) {
        String value = trimmed.substring(5).trim();
        expr = new StringBuilder();
        if (value.startsWith(">") || value.startsWith("|")) {
          exprIndent = indent;
        } else {
          expr.append(value);
        }
      } else if (trimmed.startsWith("severity:")) {
        severity = trimmed.substring(9).trim();
      }
    }
    put(result, alert, expr, severity);
    return result;
  }

  private static void put(
      Map<String, String> result, String alert, StringBuilder expr, String severity) {
    if (alert == null) {
      return;
    }
    Matcher m = FINAL_COMPARISON.matcher(expr == null ? "" : expr.toString().trim());
    String comparison =
        m.find() ? m.group(1) + " " + Double.parseDouble(m.group(2)) : "<no final comparison>";
    result.put(alert + "/" + severity, comparison);
  }
}

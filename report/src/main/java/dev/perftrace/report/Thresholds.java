package dev.perftrace.report;

/**
 * The thresholds behind the report's recommendations, and the one source of the Prometheus alert
 * rules shipped in {@code collector-config/prometheus/rules/alerts.yml}: rule files cannot import
 * values, so the rules repeat them, and {@code ThresholdsAlertRulesTest} fails unless every
 * threshold here is an alert with the same comparison, value and severity (and every alert on a
 * report figure is a threshold here). Thread safety: constants only; safe for concurrent use.
 *
 * <p>Every comparison is strict: a figure exactly at a threshold raises nothing. When a figure
 * crosses both the warning and the critical threshold, only the critical recommendation is given.
 *
 * <table>
 *   <caption>Thresholds</caption>
 *   <tr><th>Figure</th><th>Warning</th><th>Critical</th></tr>
 *   <tr><td>operation mean duration (sum / count)</td><td>&gt; 0.5 s</td><td>&gt; 1 s</td></tr>
 *   <tr><td>cache hit ratio per cache and tier</td><td>&lt; 0.8</td><td>&lt; 0.5</td></tr>
 *   <tr><td>operation error ratio (outcome error / all outcomes)</td><td>&gt; 0.05</td>
 *       <td>none</td></tr>
 *   <tr><td>CPU, {@code jvm_cpu_recent_utilization_ratio}</td><td>&gt; 0.75</td>
 *       <td>&gt; 0.90</td></tr>
 *   <tr><td>heap, sum of {@code jvm_memory_used_bytes{jvm_memory_type="heap"}} / sum of
 *       {@code jvm_memory_limit_bytes{jvm_memory_type="heap"}}</td><td>none</td>
 *       <td>&gt; 0.90</td></tr>
 * </table>
 */
public final class Thresholds {

  /** An operation whose mean duration is above this many seconds gets a warning. */
  public static final double SLOW_OPERATION_MEAN_WARNING_SECONDS = 0.5;

  /** An operation whose mean duration is above this many seconds gets a critical finding. */
  public static final double SLOW_OPERATION_MEAN_CRITICAL_SECONDS = 1.0;

  /** A cache tier whose hit ratio is below this gets a warning. */
  public static final double CACHE_HIT_RATIO_WARNING = 0.8;

  /** A cache tier whose hit ratio is below this gets a critical finding. */
  public static final double CACHE_HIT_RATIO_CRITICAL = 0.5;

  /** An operation whose error ratio is above this gets a warning. */
  public static final double ERROR_RATIO_WARNING = 0.05;

  /** A recent CPU utilization above this gets a warning. */
  public static final double CPU_UTILIZATION_WARNING = 0.75;

  /** A recent CPU utilization above this gets a critical finding. */
  public static final double CPU_UTILIZATION_CRITICAL = 0.90;

  /** Heap used over heap limit above this gets a critical finding. */
  public static final double HEAP_UTILIZATION_CRITICAL = 0.90;

  private Thresholds() {}
}

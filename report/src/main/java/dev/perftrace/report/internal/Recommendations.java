package dev.perftrace.report.internal;

import static dev.perftrace.report.Thresholds.CACHE_HIT_RATIO_CRITICAL;
import static dev.perftrace.report.Thresholds.CACHE_HIT_RATIO_WARNING;
import static dev.perftrace.report.Thresholds.CPU_UTILIZATION_CRITICAL;
import static dev.perftrace.report.Thresholds.CPU_UTILIZATION_WARNING;
import static dev.perftrace.report.Thresholds.ERROR_RATIO_WARNING;
import static dev.perftrace.report.Thresholds.HEAP_UTILIZATION_CRITICAL;
import static dev.perftrace.report.Thresholds.SLOW_OPERATION_MEAN_CRITICAL_SECONDS;
import static dev.perftrace.report.Thresholds.SLOW_OPERATION_MEAN_WARNING_SECONDS;

import dev.perftrace.report.internal.ReportData.CacheTierStats;
import dev.perftrace.report.internal.ReportData.OperationStats;
import dev.perftrace.report.internal.ReportData.Recommendation;
import dev.perftrace.report.internal.ReportData.Severity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Derives recommendations from report figures and {@link dev.perftrace.report.Thresholds}. NaN
 * figures (no data) raise nothing; comparisons are strict.
 *
 * <p>Thread safety: stateless; safe for concurrent use.
 */
public final class Recommendations {

  private Recommendations() {}

  /** Returns the recommendations, critical ones first, otherwise in the order of the figures. */
  public static List<Recommendation> of(
      List<OperationStats> operations,
      List<CacheTierStats> cacheTiers,
      double cpuUtilization,
      double heapUtilization) {
    List<Recommendation> out = new ArrayList<>();
    for (OperationStats op : operations) {
      double mean = op.meanSeconds();
      if (mean > SLOW_OPERATION_MEAN_CRITICAL_SECONDS) {
        out.add(slow(Severity.CRITICAL, op, SLOW_OPERATION_MEAN_CRITICAL_SECONDS));
      } else if (mean > SLOW_OPERATION_MEAN_WARNING_SECONDS) {
        out.add(slow(Severity.WARNING, op, SLOW_OPERATION_MEAN_WARNING_SECONDS));
      }
      if (op.errorRatio() > ERROR_RATIO_WARNING) {
        out.add(
            new Recommendation(
                Severity.WARNING,
                "operation_errors",
                op.name(),
                op.errorRatio(),
                ERROR_RATIO_WARNING,
                "Operation '"
                    + op.name()
                    + "' error ratio "
                    + Format.percent(op.errorRatio())
                    + " is above "
                    + Format.percentThreshold(ERROR_RATIO_WARNING)
                    + ": look at error.type on its failed spans."));
      }
    }
    for (CacheTierStats tier : cacheTiers) {
      double ratio = tier.hitRatio();
      if (ratio < CACHE_HIT_RATIO_CRITICAL) {
        out.add(cache(Severity.CRITICAL, tier, CACHE_HIT_RATIO_CRITICAL));
      } else if (ratio < CACHE_HIT_RATIO_WARNING) {
        out.add(cache(Severity.WARNING, tier, CACHE_HIT_RATIO_WARNING));
      }
    }
    if (cpuUtilization > CPU_UTILIZATION_CRITICAL) {
      out.add(cpu(Severity.CRITICAL, cpuUtilization, CPU_UTILIZATION_CRITICAL));
    } else if (cpuUtilization > CPU_UTILIZATION_WARNING) {
      out.add(cpu(Severity.WARNING, cpuUtilization, CPU_UTILIZATION_WARNING));
    }
    if (heapUtilization > HEAP_UTILIZATION_CRITICAL) {
      out.add(
          new Recommendation(
              Severity.CRITICAL,
              "heap",
              "jvm",
              heapUtilization,
              HEAP_UTILIZATION_CRITICAL,
              "Heap use "
                  + Format.percent(heapUtilization)
                  + " of its limit is above "
                  + Format.percentThreshold(HEAP_UTILIZATION_CRITICAL)
                  + ": raise the heap limit or look for a leak."));
    }
    out.sort(Comparator.comparing(Recommendation::severity));
    return out;
  }

  private static Recommendation slow(Severity severity, OperationStats op, double threshold) {
    return new Recommendation(
        severity,
        "operation_latency",
        op.name(),
        op.meanSeconds(),
        threshold,
        "Operation '"
            + op.name()
            + "' mean duration "
            + Format.duration(op.meanSeconds())
            + " is above "
            + Format.plain(threshold)
            + " s: profile it, or cache or parallelize its work.");
  }

  private static Recommendation cache(Severity severity, CacheTierStats tier, double threshold) {
    return new Recommendation(
        severity,
        "cache_hit_ratio",
        tier.cache() + "/" + tier.tier(),
        tier.hitRatio(),
        threshold,
        "Cache '"
            + tier.cache()
            + "' tier '"
            + tier.tier()
            + "' hit ratio "
            + Format.percent(tier.hitRatio())
            + " is below "
            + Format.percentThreshold(threshold)
            + ": grow the tier, review its eviction policy or warm it.");
  }

  private static Recommendation cpu(Severity severity, double value, double threshold) {
    return new Recommendation(
        severity,
        "cpu",
        "jvm",
        value,
        threshold,
        "CPU utilization "
            + Format.percent(value)
            + " is above "
            + Format.percentThreshold(threshold)
            + ": find the hot operations above, or add capacity.");
  }
}

package dev.perftrace.report.internal;

import java.util.List;
import java.util.Map;

/**
 * Everything a report shows, independent of its source and format. Absent or undefined figures
 * are {@link Double#NaN}.
 *
 * <p>Thread safety: immutable.
 */
public record ReportData(
    SourceInfo source,
    List<OperationStats> operations,
    List<TransferStats> transfers,
    List<CacheTierStats> cacheTiers,
    List<CacheLookupStats> cacheLookups,
    double cpuUtilization,
    double heapUtilization,
    List<Recommendation> recommendations) {

  public ReportData {
    operations = List.copyOf(operations);
    transfers = List.copyOf(transfers);
    cacheTiers = List.copyOf(cacheTiers);
    cacheLookups = List.copyOf(cacheLookups);
    recommendations = List.copyOf(recommendations);
  }

  /** Where the figures came from and what their rates mean. */
  public record SourceInfo(String kind, String location, String basis, boolean ratesAvailable) {}

  /** Per-operation figures, all outcomes together. */
  public record OperationStats(
      String name,
      double count,
      double rate,
      double errors,
      double errorRatio,
      double meanSeconds,
      double p50Seconds,
      double p95Seconds,
      double p99Seconds) {}

  /** Bytes for one direction ({@code receive}/{@code transmit}) and source. */
  public record TransferStats(String direction, String source, double bytes, double bytesPerSecond) {}

  /** Requests, hits and misses of one tier of one cache. */
  public record CacheTierStats(String cache, String tier, double hits, double misses, double hitRatio) {}

  /** Lookups of one cache by the tier that served them ({@code none} = miss everywhere). */
  public record CacheLookupStats(
      String cache, double lookups, Map<String, Double> servedBy, double hitRatio) {
    public CacheLookupStats {
      servedBy = Map.copyOf(servedBy);
    }
  }

  /** How serious a recommendation is. */
  public enum Severity {
    CRITICAL,
    WARNING
  }

  /** One finding against {@link dev.perftrace.report.Thresholds}. */
  public record Recommendation(
      Severity severity,
      String subject,
      String target,
      double value,
      double threshold,
      String message) {}
}

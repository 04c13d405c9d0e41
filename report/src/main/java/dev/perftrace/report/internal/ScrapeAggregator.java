package dev.perftrace.report.internal;

import static dev.perftrace.report.internal.Names.BYTES;
import static dev.perftrace.report.internal.Names.CACHE_LOOKUPS;
import static dev.perftrace.report.internal.Names.CACHE_NAME;
import static dev.perftrace.report.internal.Names.CACHE_REQUESTS;
import static dev.perftrace.report.internal.Names.CACHE_RESULT;
import static dev.perftrace.report.internal.Names.CACHE_SERVED_BY;
import static dev.perftrace.report.internal.Names.CACHE_TIER;
import static dev.perftrace.report.internal.Names.CPU;
import static dev.perftrace.report.internal.Names.DIRECTION;
import static dev.perftrace.report.internal.Names.DURATION;
import static dev.perftrace.report.internal.Names.DURATION_BUCKET;
import static dev.perftrace.report.internal.Names.DURATION_COUNT;
import static dev.perftrace.report.internal.Names.DURATION_SUM;
import static dev.perftrace.report.internal.Names.LE;
import static dev.perftrace.report.internal.Names.MEMORY_LIMIT;
import static dev.perftrace.report.internal.Names.MEMORY_TYPE;
import static dev.perftrace.report.internal.Names.MEMORY_USED;
import static dev.perftrace.report.internal.Names.OPERATION;
import static dev.perftrace.report.internal.Names.OUTCOME;
import static dev.perftrace.report.internal.Names.OUTCOME_ERROR;
import static dev.perftrace.report.internal.Names.SOURCE;

import dev.perftrace.report.internal.ReportData.CacheLookupStats;
import dev.perftrace.report.internal.ReportData.CacheTierStats;
import dev.perftrace.report.internal.ReportData.OperationStats;
import dev.perftrace.report.internal.ReportData.SourceInfo;
import dev.perftrace.report.internal.ReportData.TransferStats;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds report figures from one parsed exposition, aggregating over every label the report does
 * not group by ({@code otel_scope_name}, {@code error_type}, outcome, ...). Figures are cumulative
 * since the process started, as the exposition holds them. Rates need a previous {@link Snapshot}
 * of the same endpoint: {@code (now - before) / elapsed}, a value lower than before counting as a
 * counter reset (the whole current value is the increase), a series absent before counting from 0.
 *
 * <p>Thread safety: stateless; safe for concurrent use.
 */
public final class ScrapeAggregator {

  /** Counter values kept between two scrapes to compute rates. */
  public record Snapshot(
      Map<String, Double> operationCounts, Map<List<String>, Double> bytes, long nanoTime) {
    public Snapshot {
      operationCounts = Map.copyOf(operationCounts);
      bytes = Map.copyOf(bytes);
    }
  }

  /** The figures of one scrape and the snapshot to pass to the next one. */
  public record Result(ReportData data, Snapshot snapshot) {}

  private ScrapeAggregator() {}

  /**
   * Aggregates {@code exposition}, read at {@code nanoTime}; rates are computed against {@code
   * previous} when it is not null.
   */
  public static Result aggregate(
      Exposition exposition, String kind, String location, Snapshot previous, long nanoTime) {
    Map<String, Map<Double, Double>> buckets = new TreeMap<>();
    Map<String, Double> counts = new TreeMap<>();
    Map<String, Double> errors = new HashMap<>();
    Map<String, Double> sums = new HashMap<>();
    Map<List<String>, Double> bytes = new TreeMap<>(ScrapeAggregator::compareKeys);
    Map<List<String>, Double> cacheRequests = new TreeMap<>(ScrapeAggregator::compareKeys);
    Map<String, Map<String, Double>> lookups = new TreeMap<>();
    double cpu = Double.NaN;
    double heapUsed = 0;
    double heapLimit = 0;
    boolean heapUsedSeen = false;
    boolean heapLimitSeen = false;
    Map<String, List<NativeHistogram>> natives = new TreeMap<>();
    for (NativeHistogram h : exposition.nativeHistograms()) {
      if (!DURATION.equals(h.name())) {
        continue;
      }
      String op = h.label(OPERATION);
      natives.computeIfAbsent(op, k -> new ArrayList<>()).add(h);
      counts.merge(op, h.count(), Double::sum);
      if (OUTCOME_ERROR.equals(h.label(OUTCOME))) {
        errors.merge(op, h.count(), Double::sum);
      }
      sums.merge(op, h.sum(), Double::sum);
    }
    for (Sample s : exposition.samples()) {
      switch (s.name()) {
        case DURATION_BUCKET:
          double le;
          try {
            le = PromFloat.parse(s.label(LE));
          } catch (NumberFormatException e) {
            continue; // histogram_quantile ignores buckets whose le is not a number
          }
          buckets
              .computeIfAbsent(s.label(OPERATION), k -> new HashMap<>())
              .merge(le, s.value(), Double::sum);
          break;
        case DURATION_COUNT:
          counts.merge(s.label(OPERATION), s.value(), Double::sum);
          if (OUTCOME_ERROR.equals(s.label(OUTCOME))) {
            errors.merge(s.label(OPERATION), s.value(), Double::sum);
          }
          break;
        case DURATION_SUM:
          sums.merge(s.label(OPERATION), s.value(), Double::sum);
          break;
        case BYTES:
          bytes.merge(List.of(s.label(DIRECTION), s.label(SOURCE)), s.value(), Double::sum);
          break;
        case CACHE_REQUESTS:
          cacheRequests.merge(
              List.of(s.label(CACHE_NAME), s.label(CACHE_TIER), s.label(CACHE_RESULT)),
              s.value(),
              Double::sum);
          break;
        case CACHE_LOOKUPS:
          lookups
              .computeIfAbsent(s.label(CACHE_NAME), k -> new TreeMap<>())
              .merge(s.label(CACHE_SERVED_BY), s.value(), Double::sum);
          break;
        case CPU:
          cpu = Double.isNaN(cpu) ? s.value() : Math.max(cpu, s.value());
          break;
        case MEMORY_USED:
          if ("heap".equals(s.label(MEMORY_TYPE))) {
            heapUsed += s.value();
            heapUsedSeen = true;
          }
          break;
        case MEMORY_LIMIT:
          if ("heap".equals(s.label(MEMORY_TYPE))) {
            heapLimit += s.value();
            heapLimitSeen = true;
          }
          break;
        default:
          break;
      }
    }
    double elapsedSeconds =
        previous == null ? Double.NaN : (nanoTime - previous.nanoTime()) / 1e9;
    boolean rates = previous != null && elapsedSeconds > 0;

    List<OperationStats> operations = new ArrayList<>();
    for (Map.Entry<String, Double> e : counts.entrySet()) {
      String name = e.getKey();
      double count = e.getValue();
      double err = errors.getOrDefault(name, 0.0);
      Map<Double, Double> b = buckets.getOrDefault(name, Map.of());
      // an operation with classic buckets uses them; one with only native series, those
      NativeHistogram h =
          b.isEmpty() ? NativeQuantile.sum(natives.getOrDefault(name, List.of())) : null;
      operations.add(
          new OperationStats(
              name,
              count,
              rates ? rate(count, previous.operationCounts().get(name), elapsedSeconds) : Double.NaN,
              err,
              count > 0 ? err / count : Double.NaN,
              count > 0 ? sums.getOrDefault(name, Double.NaN) / count : Double.NaN,
              h != null ? NativeQuantile.quantile(0.50, h) : BucketQuantile.quantile(0.50, b),
              h != null ? NativeQuantile.quantile(0.95, h) : BucketQuantile.quantile(0.95, b),
              h != null ? NativeQuantile.quantile(0.99, h) : BucketQuantile.quantile(0.99, b)));
    }
    List<TransferStats> transfers = new ArrayList<>();
    bytes.forEach(
        (key, value) ->
            transfers.add(
                new TransferStats(
                    key.get(0),
                    key.get(1),
                    value,
                    rates ? rate(value, previous.bytes().get(key), elapsedSeconds) : Double.NaN)));
    List<CacheTierStats> tiers = cacheTiers(cacheRequests);
    List<CacheLookupStats> lookupStats = cacheLookups(lookups);
    double heap =
        heapUsedSeen && heapLimitSeen && heapLimit > 0 ? heapUsed / heapLimit : Double.NaN;
    String basis =
        rates
            ? "cumulative since process start; rates over the last "
                + Format.plain(Math.round(elapsedSeconds * 1000) / 1000.0)
                + " s (two scrapes)"
            : "cumulative since process start; rates n/a (single scrape)";
    ReportData data =
        new ReportData(
            new SourceInfo(kind, location, basis, rates),
            operations,
            transfers,
            tiers,
            lookupStats,
            cpu,
            heap,
            Recommendations.of(operations, tiers, cpu, heap));
    return new Result(data, new Snapshot(counts, bytes, nanoTime));
  }

  private static double rate(double now, Double before, double elapsedSeconds) {
    double increase = before == null || now < before ? now : now - before;
    return increase / elapsedSeconds;
  }

  /** Per cache and tier: hits, misses, hit ratio; sorted by cache then tier. */
  static List<CacheTierStats> cacheTiers(Map<List<String>, Double> requests) {
    Map<List<String>, double[]> byTier = new TreeMap<>(ScrapeAggregator::compareKeys);
    requests.forEach(
        (key, value) -> {
          double[] hm = byTier.computeIfAbsent(List.of(key.get(0), key.get(1)), k -> new double[2]);
          if ("hit".equals(key.get(2))) {
            hm[0] += value;
          } else if ("miss".equals(key.get(2))) {
            hm[1] += value;
          }
        });
    List<CacheTierStats> out = new ArrayList<>();
    byTier.forEach(
        (key, hm) -> {
          double total = hm[0] + hm[1];
          out.add(
              new CacheTierStats(
                  key.get(0), key.get(1), hm[0], hm[1], total > 0 ? hm[0] / total : Double.NaN));
        });
    return out;
  }

  /** Per cache: lookups, served-by counts, hit ratio (served by any tier); sorted by cache. */
  static List<CacheLookupStats> cacheLookups(Map<String, Map<String, Double>> lookups) {
    List<CacheLookupStats> out = new ArrayList<>();
    lookups.forEach(
        (cache, servedBy) -> {
          double total = servedBy.values().stream().mapToDouble(Double::doubleValue).sum();
          double none = servedBy.getOrDefault("none", 0.0);
          out.add(
              new CacheLookupStats(
                  cache, total, servedBy, total > 0 ? (total - none) / total : Double.NaN));
        });
    return out;
  }

  static int compareKeys(List<String> a, List<String> b) {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      int c = a.get(i).compareTo(b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }
}

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
import static dev.perftrace.report.internal.Names.MEMORY_LIMIT;
import static dev.perftrace.report.internal.Names.MEMORY_TYPE;
import static dev.perftrace.report.internal.Names.MEMORY_USED;
import static dev.perftrace.report.internal.Names.OPERATION;
import static dev.perftrace.report.internal.Names.OUTCOME;
import static dev.perftrace.report.internal.Names.OUTCOME_ERROR;
import static dev.perftrace.report.internal.Names.SOURCE;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perftrace.report.internal.ReportData.CacheLookupStats;
import dev.perftrace.report.internal.ReportData.CacheTierStats;
import dev.perftrace.report.internal.ReportData.OperationStats;
import dev.perftrace.report.internal.ReportData.SourceInfo;
import dev.perftrace.report.internal.ReportData.TransferStats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a Prometheus server's HTTP API ({@code /api/v1/query}); every figure is computed by
 * Prometheus over the window: counts with {@code increase}, rates with {@code rate}, percentiles
 * with {@code histogram_quantile} over {@code sum by (le, perftrace_operation_name)} of the bucket
 * rates. Operations stored only as native histograms (no {@code _bucket} series) are read with
 * {@code histogram_count}, {@code histogram_sum} and {@code histogram_quantile} over {@code sum by
 * (perftrace_operation_name)} of their rates. All queries of one report are evaluated at the same
 * instant.
 *
 * <p>Thread safety: stateless apart from its configuration; safe for concurrent use.
 */
public final class PrometheusSource implements ReportSource {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String base;
  private final String range;
  private final Clock clock;

  public PrometheusSource(URI server, Duration window, Clock clock) {
    requireNonNull(server, "server");
    requireNonNull(window, "window");
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("window must be positive: " + window);
    }
    String s = server.toString();
    this.base = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    this.range = promDuration(window);
    this.clock = requireNonNull(clock, "clock");
  }

  /** Formats a duration as a PromQL range ({@code 5m}, {@code 90s}, {@code 1500ms}). */
  public static String promDuration(Duration d) {
    long ms = d.toMillis();
    if (ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }

  @Override
  public ReportData next(long nanoTime) {
    String time = String.format(Locale.ROOT, "%.3f", clock.millis() / 1000.0);
    String byOp = "sum by (" + OPERATION + ") ";
    // Classic series first; "or" adds the operations recorded only as native histograms (a
    // plain-named series, histogram_count/histogram_sum of its sum over the window).
    String errorSelector = "{" + OUTCOME + "=\"" + OUTCOME_ERROR + "\"}";
    Map<List<String>, Double> counts =
        query(
            time,
            byOp + "(increase(" + DURATION_COUNT + "[" + range + "])) or "
                + nativeOf("histogram_count", "increase", ""),
            OPERATION);
    Map<List<String>, Double> rates =
        query(
            time,
            byOp + "(rate(" + DURATION_COUNT + "[" + range + "])) or "
                + nativeOf("histogram_count", "rate", ""),
            OPERATION);
    Map<List<String>, Double> errors =
        query(
            time,
            byOp + "(increase(" + DURATION_COUNT + errorSelector + "[" + range + "])) or "
                + nativeOf("histogram_count", "increase", errorSelector),
            OPERATION);
    Map<List<String>, Double> sumRates =
        query(
            time,
            byOp + "(rate(" + DURATION_SUM + "[" + range + "])) or "
                + nativeOf("histogram_sum", "rate", ""),
            OPERATION);
    Map<List<String>, Double> p50 = quantile(time, 0.5);
    Map<List<String>, Double> p95 = quantile(time, 0.95);
    Map<List<String>, Double> p99 = quantile(time, 0.99);

    List<OperationStats> operations = new ArrayList<>();
    for (Map.Entry<List<String>, Double> e : counts.entrySet()) {
      List<String> key = e.getKey();
      double count = e.getValue();
      double rate = rates.getOrDefault(key, Double.NaN);
      double err = errors.getOrDefault(key, 0.0);
      operations.add(
          new OperationStats(
              key.get(0),
              count,
              rate,
              err,
              count > 0 ? err / count : Double.NaN,
              rate > 0 ? sumRates.getOrDefault(key, Double.NaN) / rate : Double.NaN,
              p50.getOrDefault(key, Double.NaN),
              p95.getOrDefault(key, Double.NaN),
              p99.getOrDefault(key, Double.NaN)));
    }

    String byTransfer = "sum by (" + DIRECTION + ", " + SOURCE + ") ";
    Map<List<String>, Double> bytes =
        query(time, byTransfer + "(increase(" + BYTES + "[" + range + "]))", DIRECTION, SOURCE);
    Map<List<String>, Double> byteRates =
        query(time, byTransfer + "(rate(" + BYTES + "[" + range + "]))", DIRECTION, SOURCE);
    List<TransferStats> transfers = new ArrayList<>();
    bytes.forEach(
        (key, value) ->
            transfers.add(
                new TransferStats(
                    key.get(0), key.get(1), value, byteRates.getOrDefault(key, Double.NaN))));

    Map<List<String>, Double> requests =
        query(
            time,
            "sum by ("
                + CACHE_NAME
                + ", "
                + CACHE_TIER
                + ", "
                + CACHE_RESULT
                + ") (increase("
                + CACHE_REQUESTS
                + "["
                + range
                + "]))",
            CACHE_NAME,
            CACHE_TIER,
            CACHE_RESULT);
    List<CacheTierStats> tiers = ScrapeAggregator.cacheTiers(requests);
    Map<List<String>, Double> lookupCounts =
        query(
            time,
            "sum by ("
                + CACHE_NAME
                + ", "
                + CACHE_SERVED_BY
                + ") (increase("
                + CACHE_LOOKUPS
                + "["
                + range
                + "]))",
            CACHE_NAME,
            CACHE_SERVED_BY);
    Map<String, Map<String, Double>> lookups = new TreeMap<>();
    lookupCounts.forEach(
        (key, value) -> lookups.computeIfAbsent(key.get(0), k -> new TreeMap<>()).put(key.get(1), value));
    List<CacheLookupStats> lookupStats = ScrapeAggregator.cacheLookups(lookups);

    double cpu = single(query(time, "max(" + CPU + ")"));
    String heapSelector = "{" + MEMORY_TYPE + "=\"heap\"}";
    double heap =
        single(
            query(
                time,
                "max(sum by (job, instance) ("
                    + MEMORY_USED
                    + heapSelector
                    + ") / sum by (job, instance) ("
                    + MEMORY_LIMIT
                    + heapSelector
                    + "))"));

    return new ReportData(
        new SourceInfo(
            "prometheus",
            base,
            "over the last " + range + " (increase, rate and histogram_quantile in Prometheus)",
            true),
        operations,
        transfers,
        tiers,
        lookupStats,
        cpu,
        heap,
        Recommendations.of(operations, tiers, cpu, heap));
  }

  private Map<List<String>, Double> quantile(String time, double q) {
    return query(
        time,
        "histogram_quantile("
            + q
            + ", sum by (le, "
            + OPERATION
            + ") (rate("
            + DURATION_BUCKET
            + "["
            + range
            + "]))) or histogram_quantile("
            + q
            + ", sum by ("
            + OPERATION
            + ") (rate("
            + DURATION
            + "["
            + range
            + "])))",
        OPERATION);
  }

  /** {@code function(sum by (op) (range(duration<selector>[w])))} over native histograms. */
  private String nativeOf(String function, String rangeFunction, String selector) {
    return function + "(sum by (" + OPERATION + ") (" + rangeFunction + "(" + DURATION + selector
        + "[" + range + "])))";
  }

  private static double single(Map<List<String>, Double> result) {
    return result.isEmpty() ? Double.NaN : result.values().iterator().next();
  }

  /** Runs an instant query; returns the values keyed by the given labels' values. */
  private Map<List<String>, Double> query(String time, String promql, String... labels) {
    URI uri =
        URI.create(
            base
                + "/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8)
                + "&time="
                + time);
    Http.Response response = Http.get(uri, "application/json");
    JsonNode body;
    try {
      body = JSON.readTree(response.body());
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(
          new IOException("unparsable answer from " + base + " (not JSON): " + e.getOriginalMessage(), e));
    }
    if (!"success".equals(body.path("status").asText())) {
      throw new UncheckedIOException(
          new IOException(
              "Prometheus at " + base + " refused " + promql + ": " + body.path("error").asText()));
    }
    JsonNode data = body.path("data");
    if (!"vector".equals(data.path("resultType").asText())) {
      throw new UncheckedIOException(
          new IOException(
              "unexpected answer from " + base + " (resultType '" + data.path("resultType").asText() + "')"));
    }
    Map<List<String>, Double> out = new TreeMap<>(ScrapeAggregator::compareKeys);
    for (JsonNode series : data.path("result")) {
      List<String> key = new ArrayList<>(labels.length);
      for (String label : labels) {
        key.add(series.path("metric").path(label).asText(""));
      }
      String text = series.path("value").path(1).asText();
      double value;
      try {
        value = PromFloat.parse(text);
      } catch (NumberFormatException e) {
        throw new UncheckedIOException(
            new IOException("unparsable value '" + text + "' from " + base, e));
      }
      out.put(List.copyOf(key), value);
    }
    return out;
  }
}

package dev.perftrace.report.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perftrace.report.Thresholds;
import dev.perftrace.report.internal.ReportData.CacheLookupStats;
import dev.perftrace.report.internal.ReportData.CacheTierStats;
import dev.perftrace.report.internal.ReportData.OperationStats;
import dev.perftrace.report.internal.ReportData.Recommendation;
import dev.perftrace.report.internal.ReportData.TransferStats;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders {@link ReportData} as text, Markdown or JSON.
 *
 * <p>Thread safety: stateless; safe for concurrent use.
 */
public final class Renderer {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Renderer() {}

  /** The {@code top} operations with the highest mean duration (ties by name). */
  public static List<OperationStats> slowest(List<OperationStats> operations, int top) {
    List<OperationStats> ranked = new ArrayList<>();
    for (OperationStats op : operations) {
      if (Double.isFinite(op.meanSeconds())) {
        ranked.add(op);
      }
    }
    ranked.sort(
        Comparator.comparingDouble(OperationStats::meanSeconds)
            .reversed()
            .thenComparing(OperationStats::name));
    return ranked.subList(0, Math.min(top, ranked.size()));
  }

  /** Aligned plain text. */
  public static String text(ReportData data, int top) {
    StringBuilder out = new StringBuilder();
    out.append("PerfTrace report\n");
    out.append("Source:  ").append(data.source().kind()).append(' ')
        .append(data.source().location()).append('\n');
    out.append("Figures: ").append(data.source().basis()).append('\n');
    for (Section section : sections(data, top)) {
      out.append('\n').append(section.title).append('\n');
      if (section.table != null && !section.table.isEmpty()) {
        section.table.appendText(out);
      } else if (!section.lines.isEmpty()) {
        for (String line : section.lines) {
          out.append("  ").append(line).append('\n');
        }
      } else {
        out.append("  (none)\n");
      }
    }
    return out.toString();
  }

  /** GitHub-flavoured Markdown. */
  public static String markdown(ReportData data, int top) {
    StringBuilder out = new StringBuilder();
    out.append("# PerfTrace report\n\n");
    out.append("- Source: ").append(data.source().kind()).append(" `")
        .append(data.source().location()).append("`\n");
    out.append("- Figures: ").append(data.source().basis()).append('\n');
    for (Section section : sections(data, top)) {
      out.append("\n## ").append(section.title).append("\n\n");
      if (section.table != null && !section.table.isEmpty()) {
        section.table.appendMarkdown(out);
      } else if (!section.lines.isEmpty()) {
        for (String line : section.lines) {
          out.append("- ").append(line).append('\n');
        }
      } else {
        out.append("_None._\n");
      }
    }
    return out.toString();
  }

  /** One JSON object, pretty-printed or on one line. */
  public static String json(ReportData data, int top, boolean pretty) {
    ObjectNode root = NODES.objectNode();
    ObjectNode source = root.putObject("source");
    source.put("kind", data.source().kind());
    source.put("location", data.source().location());
    source.put("basis", data.source().basis());
    source.put("rates_available", data.source().ratesAvailable());

    ArrayNode ops = root.putArray("operations");
    for (OperationStats op : data.operations()) {
      ObjectNode o = ops.addObject();
      o.put("name", op.name());
      number(o, "count", op.count());
      number(o, "rate_per_second", op.rate());
      number(o, "errors", op.errors());
      number(o, "error_ratio", op.errorRatio());
      number(o, "mean_seconds", op.meanSeconds());
      number(o, "p50_seconds", op.p50Seconds());
      number(o, "p95_seconds", op.p95Seconds());
      number(o, "p99_seconds", op.p99Seconds());
    }
    ArrayNode slowest = root.putArray("slowest_operations");
    for (OperationStats op : slowest(data.operations(), top)) {
      ObjectNode o = slowest.addObject();
      o.put("name", op.name());
      number(o, "mean_seconds", op.meanSeconds());
      number(o, "p95_seconds", op.p95Seconds());
      number(o, "count", op.count());
    }
    ArrayNode transfers = root.putArray("transfers");
    for (TransferStats t : data.transfers()) {
      ObjectNode o = transfers.addObject();
      o.put("direction", t.direction());
      o.put("source", t.source());
      number(o, "bytes", t.bytes());
      number(o, "bytes_per_second", t.bytesPerSecond());
    }
    ObjectNode totals = root.putObject("transfer_totals");
    directionTotals(data.transfers()).forEach((direction, bytes) -> number(totals, direction, bytes));
    ArrayNode tiers = root.putArray("cache_tiers");
    for (CacheTierStats c : data.cacheTiers()) {
      ObjectNode o = tiers.addObject();
      o.put("cache", c.cache());
      o.put("tier", c.tier());
      number(o, "hits", c.hits());
      number(o, "misses", c.misses());
      number(o, "hit_ratio", c.hitRatio());
    }
    ArrayNode lookups = root.putArray("cache_lookups");
    for (CacheLookupStats c : data.cacheLookups()) {
      ObjectNode o = lookups.addObject();
      o.put("cache", c.cache());
      number(o, "lookups", c.lookups());
      ObjectNode servedBy = o.putObject("served_by");
      new TreeMap<>(c.servedBy()).forEach((tier, n) -> number(servedBy, tier, n));
      number(o, "hit_ratio", c.hitRatio());
    }
    ObjectNode runtime = root.putObject("runtime");
    number(runtime, "cpu_utilization", data.cpuUtilization());
    number(runtime, "heap_utilization", data.heapUtilization());
    ArrayNode recommendations = root.putArray("recommendations");
    for (Recommendation r : data.recommendations()) {
      ObjectNode o = recommendations.addObject();
      o.put("severity", r.severity().name().toLowerCase(Locale.ROOT));
      o.put("subject", r.subject());
      o.put("target", r.target());
      number(o, "value", r.value());
      number(o, "threshold", r.threshold());
      o.put("message", r.message());
    }
    ObjectNode thresholds = root.putObject("thresholds");
    thresholds.put(
        "slow_operation_mean_warning_seconds", Thresholds.SLOW_OPERATION_MEAN_WARNING_SECONDS);
    thresholds.put(
        "slow_operation_mean_critical_seconds", Thresholds.SLOW_OPERATION_MEAN_CRITICAL_SECONDS);
    thresholds.put("cache_hit_ratio_warning", Thresholds.CACHE_HIT_RATIO_WARNING);
    thresholds.put("cache_hit_ratio_critical", Thresholds.CACHE_HIT_RATIO_CRITICAL);
    thresholds.put("error_ratio_warning", Thresholds.ERROR_RATIO_WARNING);
    thresholds.put("cpu_utilization_warning", Thresholds.CPU_UTILIZATION_WARNING);
    thresholds.put("cpu_utilization_critical", Thresholds.CPU_UTILIZATION_CRITICAL);
    thresholds.put("heap_utilization_critical", Thresholds.HEAP_UTILIZATION_CRITICAL);
    try {
      return pretty
          ? JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n"
          : JSON.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a JSON tree", e);
    }
  }

  /** Writes a finite number (whole numbers as integers) or null. */
  private static void number(ObjectNode o, String field, double v) {
    if (!Double.isFinite(v)) {
      o.putNull(field);
    } else if (v == Math.rint(v) && Math.abs(v) < 9.007199254740992E15) {
      o.put(field, (long) v);
    } else {
      o.put(field, v);
    }
  }

  private static Map<String, Double> directionTotals(List<TransferStats> transfers) {
    Map<String, Double> totals = new TreeMap<>();
    for (TransferStats t : transfers) {
      totals.merge(t.direction(), t.bytes(), Double::sum);
    }
    return totals;
  }

  /** A titled section: a table, or lines, or nothing ("none"). */
  private static final class Section {
    final String title;
    final Table table;
    final List<String> lines;

    Section(String title, Table table, List<String> lines) {
      this.title = title;
      this.table = table;
      this.lines = lines;
    }
  }

  private static List<Section> sections(ReportData data, int top) {
    List<Section> sections = new ArrayList<>();
    Table ops =
        new Table(
            "OPERATION", ">COUNT", ">RATE", ">MEAN", ">P50", ">P95", ">P99", ">ERRORS",
            ">ERROR %");
    for (OperationStats op : data.operations()) {
      ops.row(
          op.name(),
          Format.count(op.count()),
          Format.rate(op.rate()),
          Format.duration(op.meanSeconds()),
          Format.duration(op.p50Seconds()),
          Format.duration(op.p95Seconds()),
          Format.duration(op.p99Seconds()),
          Format.count(op.errors()),
          Format.percent(op.errorRatio()));
    }
    sections.add(new Section("Operations", ops, List.of()));

    Table slow = new Table(">#", "OPERATION", ">MEAN", ">P95", ">COUNT");
    int rank = 1;
    for (OperationStats op : slowest(data.operations(), top)) {
      slow.row(
          Integer.toString(rank++),
          op.name(),
          Format.duration(op.meanSeconds()),
          Format.duration(op.p95Seconds()),
          Format.count(op.count()));
    }
    sections.add(new Section("Slowest operations (top " + top + " by mean)", slow, List.of()));

    Table transfers = new Table("DIRECTION", "SOURCE", ">BYTES", ">RATE");
    for (TransferStats t : data.transfers()) {
      transfers.row(
          t.direction(), t.source(), Format.bytes(t.bytes()), Format.byteRate(t.bytesPerSecond()));
    }
    directionTotals(data.transfers())
        .forEach((direction, bytes) -> transfers.row(direction, "(all)", Format.bytes(bytes), ""));
    sections.add(new Section("Bytes by direction and source", transfers, List.of()));

    Table tiers = new Table("CACHE", "TIER", ">HITS", ">MISSES", ">HIT RATIO");
    for (CacheTierStats c : data.cacheTiers()) {
      tiers.row(
          c.cache(),
          c.tier(),
          Format.count(c.hits()),
          Format.count(c.misses()),
          Format.percent(c.hitRatio()));
    }
    sections.add(new Section("Cache hit ratio by cache and tier", tiers, List.of()));

    Table lookups = new Table("CACHE", ">LOOKUPS", ">HIT RATIO", "SERVED BY");
    for (CacheLookupStats c : data.cacheLookups()) {
      StringBuilder served = new StringBuilder();
      new TreeMap<>(c.servedBy())
          .forEach(
              (tier, n) ->
                  served.append(served.length() == 0 ? "" : ", ")
                      .append(tier).append(' ').append(Format.count(n)));
      lookups.row(
          c.cache(), Format.count(c.lookups()), Format.percent(c.hitRatio()), served.toString());
    }
    sections.add(new Section("Cache lookups", lookups, List.of()));

    sections.add(
        new Section(
            "Runtime",
            null,
            List.of(
                "CPU utilization: " + Format.percent(data.cpuUtilization()),
                "Heap used / limit: " + Format.percent(data.heapUtilization()))));

    List<String> recommendations = new ArrayList<>();
    for (Recommendation r : data.recommendations()) {
      recommendations.add(r.severity() + ": " + r.message());
    }
    if (recommendations.isEmpty()) {
      recommendations.add("None: every figure is within the thresholds.");
    }
    sections.add(new Section("Recommendations", null, recommendations));
    return sections;
  }
}

package dev.perftrace.report.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Correlation patterns over a set of traces:
 *
 * <ul>
 *   <li><b>co-occurrences</b>: unordered pairs of distinct operation names ({@code a + b}, names
 *       sorted) and the number of traces containing both, most frequent first (ties by name);
 *   <li><b>slowest paths</b>: every root-to-leaf chain of operation names ({@code a > b > c}),
 *       with the number of times it occurred and the largest and mean duration of its root span,
 *       slowest first.
 * </ul>
 *
 * <p>Thread safety: immutable after construction; safe for concurrent use.
 */
public final class CorrelationPatterns {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A pair and how many traces hold both operations. */
  public record Pair(String first, String second, int traces) {}

  /** A root-to-leaf path, its count and root durations in microseconds. */
  public record Path(String path, int count, long maxMicros, long totalMicros) {
    double meanMs() {
      return totalMicros / 1000.0 / count;
    }
  }

  private final String service;
  private final int traceCount;
  private final List<Pair> pairs = new ArrayList<>();
  private final List<Path> paths = new ArrayList<>();
  private final int top;

  /** Computes the patterns of {@code traces} of {@code service}, keeping {@code top} of each. */
  public CorrelationPatterns(String service, List<List<JaegerSpan>> traces, int top) {
    this.service = service;
    this.traceCount = traces.size();
    this.top = top;
    Map<String, int[]> pairCounts = new TreeMap<>();
    Map<String, long[]> pathStats = new TreeMap<>();
    for (List<JaegerSpan> trace : traces) {
      List<String> names = new ArrayList<>(new TreeSet<>(CorrelatedOperations.operationNames(trace)));
      for (int i = 0; i < names.size(); i++) {
        for (int j = i + 1; j < names.size(); j++) {
          pairCounts.computeIfAbsent(names.get(i) + "\u0000" + names.get(j), k -> new int[1])[0]++;
        }
      }
      for (CorrelatedOperations.Node root : CorrelatedOperations.tree(trace)) {
        collectPaths(root, root.span().operation(), root.span().durationMicros(), pathStats);
      }
    }
    pairCounts.forEach(
        (k, v) -> {
          String[] p = k.split("\u0000", 2);
          pairs.add(new Pair(p[0], p[1], v[0]));
        });
    pairs.sort(Comparator.comparingInt(Pair::traces).reversed()
        .thenComparing(Pair::first).thenComparing(Pair::second));
    pathStats.forEach((k, v) -> paths.add(new Path(k, (int) v[0], v[1], v[2])));
    paths.sort(Comparator.comparingLong(Path::maxMicros).reversed().thenComparing(Path::path));
  }

  private static void collectPaths(
      CorrelatedOperations.Node node, String path, long rootMicros, Map<String, long[]> stats) {
    if (node.children().isEmpty()) {
      long[] s = stats.computeIfAbsent(path, k -> new long[3]);
      s[0]++;
      s[1] = Math.max(s[1], rootMicros);
      s[2] += rootMicros;
      return;
    }
    // A path occurs once per trace root even if a node has several children of one name.
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (CorrelatedOperations.Node c : node.children()) {
      String childPath = path + " > " + c.span().operation();
      if (c.children().isEmpty() && !seen.add(childPath)) {
        continue;
      }
      collectPaths(c, childPath, rootMicros, stats);
    }
  }

  /** The pairs, most frequent first (all, not only the top). */
  public List<Pair> pairs() {
    return List.copyOf(pairs);
  }

  /** The paths, slowest first (all). */
  public List<Path> paths() {
    return List.copyOf(paths);
  }

  /** Plain text. */
  public String text() {
    StringBuilder b = new StringBuilder();
    b.append("Patterns of service ").append(service).append(" over ").append(traceCount)
        .append(" traces\n\nMost frequent co-occurrences (traces):\n");
    for (Pair p : pairs.subList(0, Math.min(top, pairs.size()))) {
      b.append("  ").append(p.traces()).append("  ").append(p.first()).append(" + ")
          .append(p.second()).append('\n');
    }
    b.append("\nSlowest paths (max / mean root duration ms, count):\n");
    for (Path p : paths.subList(0, Math.min(top, paths.size()))) {
      b.append("  ").append(CorrelatedOperations.ms(p.maxMicros())).append(" / ")
          .append(String.format(java.util.Locale.ROOT, "%.3f", p.meanMs())).append("  x")
          .append(p.count()).append("  ").append(p.path()).append('\n');
    }
    return b.toString();
  }

  /** Markdown. */
  public String markdown() {
    StringBuilder b = new StringBuilder();
    b.append("# Patterns of service `").append(service).append("`\n\n").append(traceCount)
        .append(" traces\n\n## Most frequent co-occurrences\n\n| Operations | Traces |\n|---|---:|\n");
    for (Pair p : pairs.subList(0, Math.min(top, pairs.size()))) {
      b.append("| ").append(p.first()).append(" + ").append(p.second()).append(" | ")
          .append(p.traces()).append(" |\n");
    }
    b.append("\n## Slowest paths\n\n| Path | Count | Max (ms) | Mean (ms) |\n|---|---:|---:|---:|\n");
    for (Path p : paths.subList(0, Math.min(top, paths.size()))) {
      b.append("| ").append(p.path()).append(" | ").append(p.count()).append(" | ")
          .append(CorrelatedOperations.ms(p.maxMicros())).append(" | ")
          .append(String.format(java.util.Locale.ROOT, "%.3f", p.meanMs())).append(" |\n");
    }
    return b.toString();
  }

  /** JSON. */
  public String json() {
    ObjectNode root = JSON.createObjectNode();
    root.put("service", service);
    root.put("traces", traceCount);
    ArrayNode co = root.putArray("co_occurrences");
    for (Pair p : pairs.subList(0, Math.min(top, pairs.size()))) {
      co.addObject().put("first", p.first()).put("second", p.second()).put("traces", p.traces());
    }
    ArrayNode slow = root.putArray("slowest_paths");
    for (Path p : paths.subList(0, Math.min(top, paths.size()))) {
      slow.addObject().put("path", p.path()).put("count", p.count())
          .put("max_ms", p.maxMicros() / 1000.0).put("mean_ms", p.meanMs());
    }
    return root.toPrettyString() + "\n";
  }
}

package dev.perftrace.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads JMH JSON result files ({@code -rf json}). Stateless; safe for concurrent use. */
final class JmhResults {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private JmhResults() {}

  /**
   * Reads a JMH JSON file.
   *
   * @throws IOException when the file cannot be read or is not a JMH result array
   */
  static List<JmhResult> read(Path file) throws IOException {
    JsonNode root = MAPPER.readTree(file.toFile());
    if (root == null || !root.isArray()) {
      throw new IOException(file + " is not a JMH JSON result (expected a top-level array)");
    }
    List<JmhResult> results = new ArrayList<>();
    for (JsonNode node : root) {
      results.add(parse(file, node));
    }
    return results;
  }

  private static JmhResult parse(Path file, JsonNode node) throws IOException {
    JsonNode primary = node.path("primaryMetric");
    if (!node.hasNonNull("benchmark") || !primary.hasNonNull("score")) {
      throw new IOException(file + ": an entry lacks benchmark or primaryMetric.score");
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> field : node.path("params").properties()) {
      params.put(field.getKey(), field.getValue().asText());
    }
    double score;
    try {
      score = JmhResult.normalize(primary.get("score").asDouble(), primary.path("scoreUnit").asText());
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": " + node.get("benchmark").asText() + ": " + e.getMessage(), e);
    }
    return new JmhResult(
        node.get("benchmark").asText(),
        node.path("mode").asText("avgt"),
        node.path("threads").asInt(1),
        params,
        score,
        alloc(node.path("secondaryMetrics")),
        scalar(node.path("secondaryMetrics"), CpuTimeProfiler.METRIC),
        scalar(node.path("secondaryMetrics"), CpuTimeProfiler.CALLER_METRIC),
        exported(node.path("secondaryMetrics")));
  }

  private static double scalar(JsonNode secondary, String name) {
    JsonNode metric = secondary.path(name);
    return metric.hasNonNull("score") ? metric.get("score").asDouble() : Double.NaN;
  }

  private static double exported(JsonNode secondary) {
    JsonNode metric = secondary.path("exported");
    if (!metric.hasNonNull("score")) {
      return Double.NaN;
    }
    try {
      return JmhResult.normalize(metric.get("score").asDouble(), metric.path("scoreUnit").asText());
    } catch (IllegalArgumentException e) {
      return Double.NaN;
    }
  }

  /** JMH 1.37 names it {@code gc.alloc.rate.norm}; older versions prefix a middle dot. */
  private static double alloc(JsonNode secondary) {
    for (String name : List.of("gc.alloc.rate.norm", "\u00b7gc.alloc.rate.norm")) {
      JsonNode metric = secondary.path(name);
      if (metric.hasNonNull("score")) {
        return metric.get("score").asDouble();
      }
    }
    return Double.NaN;
  }
}

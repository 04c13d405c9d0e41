package dev.perftrace.report.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The operations of one correlated request, from Jaeger, as a tree per trace (children under the
 * span they are CHILD_OF, ordered by start), rendered as text, Markdown or JSON. Offsets are from
 * the earliest span of the request; times in milliseconds.
 *
 * <p>Thread safety: immutable after construction; safe for concurrent use.
 */
public final class CorrelatedOperations {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Comparator<JaegerSpan> BY_START =
      Comparator.comparingLong(JaegerSpan::startMicros).thenComparing(JaegerSpan::spanId);

  /** A span and its children. */
  record Node(JaegerSpan span, List<Node> children) {}

  private final String correlationId;
  private final long originMicros;
  private final Map<String, List<Node>> roots = new LinkedHashMap<>();
  private int operations;

  /** Builds the trees of {@code traces} (trace ID to its spans). */
  public CorrelatedOperations(String correlationId, Map<String, List<JaegerSpan>> traces) {
    this.correlationId = correlationId;
    long origin = Long.MAX_VALUE;
    for (List<JaegerSpan> spans : traces.values()) {
      for (JaegerSpan s : spans) {
        origin = Math.min(origin, s.startMicros());
      }
    }
    this.originMicros = origin;
    List<Map.Entry<String, List<JaegerSpan>>> ordered = new ArrayList<>(traces.entrySet());
    ordered.sort(
        Comparator.comparingLong(
            e -> e.getValue().stream().mapToLong(JaegerSpan::startMicros).min().orElse(0)));
    for (Map.Entry<String, List<JaegerSpan>> e : ordered) {
      roots.put(e.getKey(), tree(e.getValue()));
      operations += e.getValue().size();
    }
  }

  static List<Node> tree(List<JaegerSpan> spans) {
    Map<String, Node> byId = new HashMap<>();
    List<JaegerSpan> sorted = new ArrayList<>(spans);
    sorted.sort(BY_START);
    for (JaegerSpan s : sorted) {
      byId.put(s.spanId(), new Node(s, new ArrayList<>()));
    }
    List<Node> roots = new ArrayList<>();
    for (JaegerSpan s : sorted) {
      Node parent = s.parentSpanId() == null ? null : byId.get(s.parentSpanId());
      (parent == null ? roots : parent.children()).add(byId.get(s.spanId()));
    }
    return roots;
  }

  /** Whether any operation was found. */
  public boolean isEmpty() {
    return operations == 0;
  }

  /** Plain text: one indented line per operation. */
  public String text() {
    StringBuilder b = new StringBuilder();
    b.append("Correlation ID ").append(correlationId).append(": ").append(operations)
        .append(" operations in ").append(roots.size()).append(roots.size() == 1 ? " trace" : " traces")
        .append('\n');
    for (Map.Entry<String, List<Node>> e : roots.entrySet()) {
      b.append("trace ").append(e.getKey()).append('\n');
      for (Node n : e.getValue()) {
        text(b, n, 1);
      }
    }
    return b.toString();
  }

  private void text(StringBuilder b, Node n, int depth) {
    JaegerSpan s = n.span();
    b.append("  ".repeat(depth)).append(s.operation()).append(" [").append(s.service()).append("]")
        .append(" +").append(ms(s.startMicros() - originMicros)).append(" ms")
        .append(' ').append(ms(s.durationMicros())).append(" ms")
        .append(' ').append(outcome(s));
    String details = details(s);
    if (!details.isEmpty()) {
      b.append(' ').append(details);
    }
    b.append('\n');
    for (Node c : n.children()) {
      text(b, c, depth + 1);
    }
  }

  /** A Markdown table, the operation column indented by depth. */
  public String markdown() {
    StringBuilder b = new StringBuilder();
    b.append("# Correlation ID `").append(correlationId).append("`\n\n")
        .append(operations).append(" operations in ").append(roots.size())
        .append(roots.size() == 1 ? " trace" : " traces").append("\n\n")
        .append("| Trace | Operation | Service | Start (ms) | Duration (ms) | Outcome | Bytes sent |"
            + " Bytes received | Cache hits | Cache misses | Error type |\n")
        .append("|---|---|---|---:|---:|---|---:|---:|---:|---:|---|\n");
    for (Map.Entry<String, List<Node>> e : roots.entrySet()) {
      for (Node n : e.getValue()) {
        markdown(b, e.getKey(), n, 0);
      }
    }
    return b.toString();
  }

  private void markdown(StringBuilder b, String traceId, Node n, int depth) {
    JaegerSpan s = n.span();
    b.append("| ").append(traceId).append(" | ").append("&nbsp;&nbsp;".repeat(depth))
        .append(s.operation()).append(" | ").append(s.service()).append(" | ")
        .append(ms(s.startMicros() - originMicros)).append(" | ").append(ms(s.durationMicros()))
        .append(" | ").append(outcome(s)).append(" | ")
        .append(or(s.tag("perftrace.bytes.sent"))).append(" | ")
        .append(or(s.tag("perftrace.bytes.received"))).append(" | ")
        .append(or(s.tag("perftrace.cache.hits"))).append(" | ")
        .append(or(s.tag("perftrace.cache.misses"))).append(" | ")
        .append(or(s.tag("error.type"))).append(" |\n");
    for (Node c : n.children()) {
      markdown(b, traceId, c, depth + 1);
    }
  }

  /** One JSON object: {@code correlation_id}, {@code operations}, {@code traces[].operations[]}. */
  public String json() {
    ObjectNode root = JSON.createObjectNode();
    root.put("correlation_id", correlationId);
    root.put("operations", operations);
    ArrayNode traces = root.putArray("traces");
    for (Map.Entry<String, List<Node>> e : roots.entrySet()) {
      ObjectNode t = traces.addObject();
      t.put("trace_id", e.getKey());
      ArrayNode ops = t.putArray("operations");
      for (Node n : e.getValue()) {
        json(ops, n);
      }
    }
    return root.toPrettyString() + "\n";
  }

  private void json(ArrayNode into, Node n) {
    JaegerSpan s = n.span();
    ObjectNode o = into.addObject();
    o.put("span_id", s.spanId());
    o.put("service", s.service());
    o.put("operation", s.operation());
    o.put("start_offset_ms", (s.startMicros() - originMicros) / 1000.0);
    o.put("duration_ms", s.durationMicros() / 1000.0);
    o.put("outcome", outcome(s));
    putLong(o, "bytes_sent", s.tag("perftrace.bytes.sent"));
    putLong(o, "bytes_received", s.tag("perftrace.bytes.received"));
    putLong(o, "cache_hits", s.tag("perftrace.cache.hits"));
    putLong(o, "cache_misses", s.tag("perftrace.cache.misses"));
    o.put("error_type", s.tag("error.type"));
    ArrayNode children = o.putArray("children");
    for (Node c : n.children()) {
      json(children, c);
    }
  }

  private static void putLong(ObjectNode o, String field, String value) {
    if (value == null) {
      o.putNull(field);
      return;
    }
    try {
      o.put(field, Long.parseLong(value));
    } catch (NumberFormatException e) {
      o.put(field, value);
    }
  }

  private static String outcome(JaegerSpan s) {
    String outcome = s.tag("perftrace.operation.outcome");
    if (outcome != null) {
      return outcome;
    }
    return "true".equals(s.tag("error")) ? "error" : "unknown";
  }

  private static String details(JaegerSpan s) {
    List<String> parts = new ArrayList<>();
    add(parts, "sent", s.tag("perftrace.bytes.sent"), " B");
    add(parts, "received", s.tag("perftrace.bytes.received"), " B");
    add(parts, "cache hits", s.tag("perftrace.cache.hits"), "");
    add(parts, "cache misses", s.tag("perftrace.cache.misses"), "");
    add(parts, "error", s.tag("error.type"), "");
    return String.join(", ", parts);
  }

  private static void add(List<String> parts, String label, String value, String unit) {
    if (value != null) {
      parts.add(label + " " + value + unit);
    }
  }

  private static String or(String value) {
    return value == null ? "" : value;
  }

  static String ms(long micros) {
    return String.format(Locale.ROOT, "%.3f", micros / 1000.0);
  }

  /** Distinct operation names per trace (for pattern counting). */
  static Set<String> operationNames(List<JaegerSpan> spans) {
    Set<String> names = new HashSet<>();
    spans.forEach(s -> names.add(s.operation()));
    return names;
  }
}

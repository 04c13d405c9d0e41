package dev.perftrace.report.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads traces from Jaeger's HTTP query API ({@code /api/services}, {@code /api/traces}) and turns
 * them into {@link JaegerSpan}s. Failures are {@link UncheckedIOException}s with a one-line message.
 *
 * <p>Thread safety: immutable; safe for concurrent use.
 */
public final class JaegerTraces {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;

  /** A client for the Jaeger query service at {@code base} (e.g. {@code http://localhost:16686}). */
  public JaegerTraces(URI base) {
    String s = base.toString();
    this.base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
  }

  /** The services Jaeger knows. */
  public List<String> services() {
    List<String> services = new ArrayList<>();
    data("/api/services").forEach(n -> services.add(n.asText()));
    return services;
  }

  /**
   * Every span of every trace that has a span tagged {@code perftrace.correlation_id=id}, looked
   * up in {@code service}, or in every service when it is null; grouped by trace ID.
   */
  public Map<String, List<JaegerSpan>> byCorrelationId(String id, String service, int limit) {
    Map<String, List<JaegerSpan>> traces = new LinkedHashMap<>();
    List<String> services = service != null ? List.of(service) : services();
    String tags = "{\"perftrace.correlation_id\":" + JSON.valueToTree(id) + "}";
    for (String s : services) {
      JsonNode data =
          data("/api/traces?service=" + enc(s) + "&lookback=168h&limit=" + limit + "&tags="
              + enc(tags));
      for (JsonNode trace : data) {
        List<JaegerSpan> spans = spans(trace);
        if (!spans.isEmpty()) {
          traces.putIfAbsent(spans.get(0).traceId(), spans);
        }
      }
    }
    return traces;
  }

  /** The most recent {@code limit} traces with spans of {@code service}. */
  public List<List<JaegerSpan>> recent(String service, int limit) {
    List<List<JaegerSpan>> traces = new ArrayList<>();
    for (JsonNode trace :
        data("/api/traces?service=" + enc(service) + "&lookback=168h&limit=" + limit)) {
      List<JaegerSpan> spans = spans(trace);
      if (!spans.isEmpty()) {
        traces.add(spans);
      }
    }
    return traces;
  }

  private JsonNode data(String pathAndQuery) {
    URI uri = URI.create(base + pathAndQuery);
    Http.Response response = Http.get(uri, "application/json");
    try {
      return JSON.readTree(response.body()).path("data");
    } catch (IOException e) {
      throw new UncheckedIOException(
          new IOException(base + " did not answer Jaeger query API JSON: " + e.getMessage()));
    }
  }

  static List<JaegerSpan> spans(JsonNode trace) {
    List<JaegerSpan> spans = new ArrayList<>();
    JsonNode processes = trace.path("processes");
    for (JsonNode s : trace.path("spans")) {
      String parent = null;
      for (JsonNode ref : s.path("references")) {
        if ("CHILD_OF".equals(ref.path("refType").asText())
            && ref.path("traceID").asText().equals(s.path("traceID").asText())) {
          parent = ref.path("spanID").asText();
        }
      }
      Map<String, String> tags = new LinkedHashMap<>();
      for (JsonNode tag : s.path("tags")) {
        tags.put(tag.path("key").asText(), tag.path("value").asText());
      }
      spans.add(
          new JaegerSpan(
              s.path("traceID").asText(),
              s.path("spanID").asText(),
              parent,
              processes.path(s.path("processID").asText()).path("serviceName").asText(),
              s.path("operationName").asText(),
              s.path("startTime").asLong(),
              s.path("duration").asLong(),
              tags));
    }
    return spans;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}

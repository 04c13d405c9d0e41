package dev.perftrace.collectorconfig;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * STAND-IN until the demo application lands: a loopback /metrics endpoint exposing one sample of
 * every Prometheus series named in {@code docs/telemetry.md}, in OpenMetrics (with one exemplar
 * on the operation duration histogram) when the scraper asks for it, else in the text format.
 * It checks the rules and the dashboard against the schema document; only the demo's real scrape
 * checks them against what the code really exports (test helper).
 */
final class SchemaStandInEndpoint {

  /** The trace ID of the exemplar the stand-in exposes. */
  static final String EXEMPLAR_TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

  private static final Pattern SERIES = Pattern.compile("`((?:perftrace|jvm)_[a-z0-9_]+)`");
  private static final String OPENMETRICS = "application/openmetrics-text";
  private static final String EXEMPLAR_ON = "perftrace_operation_duration_seconds";

  private SchemaStandInEndpoint() {}

  /** Metric names of the schema's Prometheus column; {@code X_bucket} implies X_sum, X_count. */
  static Set<String> schemaMetricNames(Path telemetrySchema) {
    Set<String> names = new TreeSet<>();
    for (String name : schemaSeries(telemetrySchema)) {
      names.add(name);
      if (name.endsWith("_bucket")) {
        String base = strip(name, "_bucket");
        names.add(base + "_sum");
        names.add(base + "_count");
      }
    }
    return names;
  }

  private static Set<String> schemaSeries(Path telemetrySchema) {
    try {
      Set<String> names = new TreeSet<>();
      Matcher m = SERIES.matcher(Files.readString(telemetrySchema));
      while (m.find()) {
        names.add(m.group(1));
      }
      return names;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String strip(String name, String suffix) {
    return name.substring(0, name.length() - suffix.length());
  }

  /** The exposition; histograms from {@code _bucket}, counters from {@code _total}, else gauges. */
  static String exposition(Path telemetrySchema, boolean openMetrics) {
    StringBuilder out = new StringBuilder();
    String scope = "{otel_scope_name=\"stand-in\"";
    for (String name : schemaSeries(telemetrySchema)) {
      if (name.endsWith("_bucket")) {
        String family = strip(name, "_bucket");
        out.append("# TYPE ").append(family).append(" histogram\n");
        out.append(name).append(scope).append(",le=\"+Inf\"} 1");
        if (openMetrics && family.equals(EXEMPLAR_ON)) {
          out.append(" # {trace_id=\"")
              .append(EXEMPLAR_TRACE_ID)
              .append("\",span_id=\"00f067aa0ba902b7\"} 0.25");
        }
        out.append('\n');
        out.append(family).append("_count").append(scope).append("} 1\n");
        out.append(family).append("_sum").append(scope).append("} 0.25\n");
      } else if (name.endsWith("_total")) {
        String family = openMetrics ? strip(name, "_total") : name;
        out.append("# TYPE ").append(family).append(" counter\n");
        out.append(name).append(scope).append("} 1\n");
      } else {
        out.append("# TYPE ").append(name).append(" gauge\n");
        out.append(name).append(scope).append("} 1\n");
      }
    }
    if (openMetrics) {
      out.append("# EOF\n");
    }
    return out.toString();
  }

  static Workload start(Path telemetrySchema) {
    byte[] text = exposition(telemetrySchema, false).getBytes(StandardCharsets.UTF_8);
    byte[] openMetrics = exposition(telemetrySchema, true).getBytes(StandardCharsets.UTF_8);
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext(
          "/metrics",
          exchange -> {
            String accept = String.valueOf(exchange.getRequestHeaders().getFirst("Accept"));
            if (accept.contains(OPENMETRICS)) {
              respond(exchange, OPENMETRICS + "; version=1.0.0; charset=utf-8", openMetrics);
            } else {
              respond(exchange, "text/plain; version=0.0.4; charset=utf-8", text);
            }
          });
      server.start();
      return new Workload("127.0.0.1:" + server.getAddress().getPort(), () -> server.stop(0));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void respond(HttpExchange exchange, String contentType, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().add("Content-Type", contentType);
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}

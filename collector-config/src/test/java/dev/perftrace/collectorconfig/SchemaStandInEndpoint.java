package dev.perftrace.collectorconfig;

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
 * every Prometheus series named in {@code docs/telemetry.md}. It checks the rules and the
 * dashboard against the schema document; only the demo's real scrape checks them against what
 * the code really exports (test helper).
 */
final class SchemaStandInEndpoint {

  private static final Pattern SERIES = Pattern.compile("`((?:perftrace|jvm)_[a-z0-9_]+)`");

  private SchemaStandInEndpoint() {}

  /** Metric names of the schema's Prometheus column; {@code X_bucket} implies X_sum, X_count. */
  static Set<String> schemaMetricNames(Path telemetrySchema) {
    try {
      Set<String> names = new TreeSet<>();
      Matcher m = SERIES.matcher(Files.readString(telemetrySchema));
      while (m.find()) {
        String name = m.group(1);
        names.add(name);
        if (name.endsWith("_bucket")) {
          String base = name.substring(0, name.length() - "_bucket".length());
          names.add(base + "_sum");
          names.add(base + "_count");
        }
      }
      return names;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Workload start(Path telemetrySchema) {
    StringBuilder exposition = new StringBuilder();
    for (String name : schemaMetricNames(telemetrySchema)) {
      String labels = name.endsWith("_bucket") ? ",le=\"+Inf\"" : "";
      exposition
          .append(name)
          .append("{otel_scope_name=\"stand-in\"")
          .append(labels)
          .append("} 1\n");
    }
    byte[] body = exposition.toString().getBytes(StandardCharsets.UTF_8);
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext(
          "/metrics",
          exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          });
      server.start();
      return new Workload("127.0.0.1:" + server.getAddress().getPort(), () -> server.stop(0));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

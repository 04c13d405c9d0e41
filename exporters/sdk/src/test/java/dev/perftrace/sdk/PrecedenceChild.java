package dev.perftrace.sdk;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Run in a child JVM by {@link SettingsPrecedenceIT}: builds a PerfTraceSdk with builder values
 * (and, when given, {@code setConfigProperties} values), ends one span and closes, so that the
 * OTLP-JSON lines file named by the winning tier holds it.
 */
public final class PrecedenceChild {

  private PrecedenceChild() {}

  /** Arguments: the builder's OTLP file, then optionally the setConfigProperties file. */
  public static void main(String[] args) {
    Map<String, String> explicit = new HashMap<>();
    if (args.length > 1) {
      explicit.put("perftrace.otlp.file", args[1]);
      explicit.put("otel.service.name", "from-config");
    }
    try (PerfTraceSdk sdk =
        PerfTraceSdk.builder()
            .setServiceName("from-builder")
            .setOtlpFile(Path.of(args[0]))
            .setPrometheusEnabled(false)
            .setShutdownHook(false)
            .setConfigProperties(explicit)
            .build()) {
      sdk.openTelemetry().getTracer("t").spanBuilder("precedence").startSpan().end();
    }
  }
}

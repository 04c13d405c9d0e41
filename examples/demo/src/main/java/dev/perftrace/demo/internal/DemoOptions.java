package dev.perftrace.demo.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The demo's command-line options, parsed by picocli. Internal: not API.
 *
 * <p>Thread safety: not thread-safe; filled once by the parser, then only read.
 */
@Command(
    name = "perftrace-demo",
    mixinStandardHelpOptions = true,
    version = "PerfTrace demo 0.1.0",
    description = {
      "Runs a mixed workload against a tiered content store (memory, disk, two loopback HTTP"
          + " peers) instrumented with PerfTrace, serves Prometheus metrics, exports traces and"
          + " metrics over OTLP (OTEL_EXPORTER_OTLP_ENDPOINT) or to an OTLP-JSON file, and prints"
          + " a report at the end."
    },
    sortOptions = false)
public final class DemoOptions {

  /** Report formats accepted by {@code --report}. */
  public enum ReportChoice {
    TEXT,
    MARKDOWN,
    JSON,
    NONE;

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  @Option(
      names = "--duration",
      converter = DurationConverter.class,
      defaultValue = "20s",
      description = "How long the workload runs: ISO-8601 (PT20S) or 500ms, 20s, 2m (default 20s).")
  Duration duration;

  @Option(
      names = "--threads",
      defaultValue = "4",
      description = "Client threads issuing requests (default 4).")
  int threads;

  @Option(
      names = "--prometheus-host",
      defaultValue = "127.0.0.1",
      description = "Interface the Prometheus endpoint binds (default 127.0.0.1).")
  String prometheusHost;

  @Option(
      names = "--prometheus-port",
      defaultValue = "9464",
      description = "Port of the Prometheus endpoint; 0 picks a free port (default 9464).")
  int prometheusPort;

  @Option(
      names = "--report",
      defaultValue = "text",
      description = "Report printed at the end: text, markdown, json or none (default text).")
  ReportChoice report;

  @Option(
      names = "--otlp-file",
      description =
          "OTLP-JSON lines file written when no OTLP endpoint is configured"
              + " (default perftrace-otlp.jsonl in the working directory).")
  Path otlpFile;

  @Option(
      names = "--progress",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description = "Print a progress line every second (default on; --no-progress turns it off).")
  boolean progress;

  /** Returns the workload duration. */
  public Duration duration() {
    return duration;
  }

  /** Returns the number of client threads. */
  public int threads() {
    return threads;
  }

  /** Returns the Prometheus bind host. */
  public String prometheusHost() {
    return prometheusHost;
  }

  /** Returns the Prometheus port (0: ephemeral). */
  public int prometheusPort() {
    return prometheusPort;
  }

  /** Returns the report choice. */
  public ReportChoice report() {
    return report;
  }

  /** Returns the OTLP-JSON file, or {@code null} for the SDK's default. */
  public Path otlpFile() {
    return otlpFile;
  }

  /** Returns whether to print the progress line. */
  public boolean progress() {
    return progress;
  }

  /** Checks values picocli cannot; throws {@link IllegalArgumentException} naming the option. */
  public void validate() {
    if (threads < 1 || threads > 64) {
      throw new IllegalArgumentException("--threads must be in 1..64, was " + threads);
    }
    if (prometheusPort < 0 || prometheusPort > 65535) {
      throw new IllegalArgumentException(
          "--prometheus-port must be in 0..65535, was " + prometheusPort);
    }
    if (prometheusHost == null || prometheusHost.isBlank()) {
      throw new IllegalArgumentException("--prometheus-host must not be blank");
    }
  }
}

package dev.perftrace.sdk.internal;

import dev.perftrace.exporter.otlp.ExportGuard;
import dev.perftrace.exporter.otlp.OtlpExporters;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The settings PerfTrace itself reads from the OpenTelemetry configuration (the {@code
 * perftrace.*} ones, and the {@code otel.bsp.*} ones for the batch span processor PerfTrace
 * builds so that queue drops are counted), resolved and validated once. Everything about the
 * exporters themselves ({@code otel.exporter.otlp.*}, {@code otel.*.exporter}) is read by
 * OpenTelemetry's autoconfigure module, not here.
 *
 * <p>This class is internal and is not API. Thread safety: immutable after construction.
 */
public final class SdkConfig {

  /** Property naming the offline OTLP-JSON file. */
  public static final String OTLP_FILE = "perftrace.otlp.file";
  /** Property: size cap of one OTLP-JSON file, in bytes. */
  public static final String OTLP_FILE_MAX_BYTES = "perftrace.otlp.file.max.bytes";
  /** Property: number of OTLP-JSON files kept (current plus rotated). */
  public static final String OTLP_FILE_MAX_FILES = "perftrace.otlp.file.max.files";
  /** Property: consecutive failures that open the circuit. */
  public static final String CIRCUIT_THRESHOLD = "perftrace.exporter.circuit.failure.threshold";
  /** Property: how long the circuit stays open before a trial export. */
  public static final String CIRCUIT_COOLDOWN = "perftrace.exporter.circuit.cooldown";
  /** The exporter name of PerfTrace's OTLP-JSON lines file (the offline default). */
  public static final String FILE_EXPORTER = "perftrace-otlp-file";

  static final int DEFAULT_QUEUE_SIZE = 2048;
  static final int DEFAULT_BATCH_SIZE = 512;
  static final Duration DEFAULT_SCHEDULE_DELAY = Duration.ofSeconds(5);
  static final Duration DEFAULT_EXPORT_TIMEOUT = Duration.ofSeconds(30);

  private final int maxQueueSize;
  private final int maxExportBatchSize;
  private final Duration scheduleDelay;
  private final Duration exportTimeout;
  private final int failureThreshold;
  private final Duration cooldown;
  private final List<String> secrets = new ArrayList<>();

  /** Reads and validates the settings; fails with a {@link ConfigurationException} naming one. */
  public SdkConfig(ConfigProperties config) {
    this.maxQueueSize = positiveInt(config, "otel.bsp.max.queue.size", DEFAULT_QUEUE_SIZE);
    this.maxExportBatchSize =
        positiveInt(config, "otel.bsp.max.export.batch.size", DEFAULT_BATCH_SIZE);
    if (maxExportBatchSize > maxQueueSize) {
      throw new ConfigurationException(
          "otel.bsp.max.export.batch.size (" + maxExportBatchSize
              + ") must not exceed otel.bsp.max.queue.size (" + maxQueueSize + ")");
    }
    this.scheduleDelay = positive(config, "otel.bsp.schedule.delay", DEFAULT_SCHEDULE_DELAY);
    this.exportTimeout = positive(config, "otel.bsp.export.timeout", DEFAULT_EXPORT_TIMEOUT);
    Integer prometheusPort = config.getInt("otel.exporter.prometheus.port");
    if (prometheusPort != null && (prometheusPort < 0 || prometheusPort > 65535)) {
      throw new ConfigurationException(
          "Invalid otel.exporter.prometheus.port=" + prometheusPort + ": must be in 0..65535");
    }
    this.failureThreshold =
        positiveInt(config, CIRCUIT_THRESHOLD, ExportGuard.Builder.DEFAULT_FAILURE_THRESHOLD);
    this.cooldown = positive(config, CIRCUIT_COOLDOWN, ExportGuard.Builder.DEFAULT_COOLDOWN);
    for (String key :
        List.of(
            "otel.exporter.otlp.headers",
            "otel.exporter.otlp.traces.headers",
            "otel.exporter.otlp.metrics.headers")) {
      secrets.addAll(headerValuesOf(config.getString(key)));
    }
  }

  /** Returns the offline file settings; fails naming the setting when one is invalid. */
  public static FileSettings file(ConfigProperties config) {
    String file = config.getString(OTLP_FILE);
    if (file == null || file.isBlank()) {
      throw new ConfigurationException("Invalid " + OTLP_FILE + ": must not be blank");
    }
    Path path;
    try {
      path = Path.of(file.trim());
    } catch (RuntimeException e) {
      throw new ConfigurationException("Invalid " + OTLP_FILE + "=" + file + ": " + e, e);
    }
    long maxBytes;
    try {
      maxBytes = config.getLong(OTLP_FILE_MAX_BYTES, OtlpExporters.DEFAULT_FILE_MAX_BYTES);
    } catch (ConfigurationException e) {
      throw new ConfigurationException("Invalid " + OTLP_FILE_MAX_BYTES + ": " + e.getMessage());
    }
    if (maxBytes < 1) {
      throw new ConfigurationException(
          "Invalid " + OTLP_FILE_MAX_BYTES + "=" + maxBytes + ": must be at least 1");
    }
    int maxFiles = positiveInt(config, OTLP_FILE_MAX_FILES, OtlpExporters.DEFAULT_FILE_MAX_FILES);
    return new FileSettings(path, maxBytes, maxFiles);
  }

  /** Where and how big the offline OTLP-JSON lines file is. */
  public static final class FileSettings {
    public final Path path;
    public final long maxBytes;
    public final int maxFiles;

    FileSettings(Path path, long maxBytes, int maxFiles) {
      this.path = path;
      this.maxBytes = maxBytes;
      this.maxFiles = maxFiles;
    }
  }

  /**
   * Returns the values of a {@code k=v,k2=v2} header list (raw and percent-decoded), to mask
   * them; never throws (autoconfigure reports malformed lists).
   */
  public static List<String> headerValuesOf(String list) {
    List<String> values = new ArrayList<>();
    if (list == null) {
      return values;
    }
    for (String entry : list.split(",")) {
      int eq = entry.indexOf('=');
      String value = (eq < 0 ? entry : entry.substring(eq + 1)).trim();
      if (value.length() >= 3) {
        values.add(value);
        try {
          values.add(java.net.URLDecoder.decode(value, java.nio.charset.StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
          // not valid percent-encoding: the raw value is masked
        }
        for (String word : value.split("[\\s%]+")) {
          if (word.length() >= 4) {
            values.add(word);
          }
        }
      }
    }
    return values;
  }

  private static int positiveInt(ConfigProperties config, String key, int defaultValue) {
    int value;
    try {
      value = config.getInt(key, defaultValue);
    } catch (ConfigurationException e) {
      throw new ConfigurationException("Invalid " + key + ": " + e.getMessage());
    }
    if (value < 1) {
      throw new ConfigurationException("Invalid " + key + "=" + value + ": must be at least 1");
    }
    return value;
  }

  private static Duration positive(ConfigProperties config, String key, Duration defaultValue) {
    Duration value;
    try {
      value = config.getDuration(key, defaultValue);
    } catch (ConfigurationException e) {
      throw new ConfigurationException("Invalid " + key + ": " + e.getMessage());
    }
    if (value.isZero() || value.isNegative()) {
      throw new ConfigurationException("Invalid " + key + "=" + value + ": must be positive");
    }
    return value;
  }

  public int maxQueueSize() {
    return maxQueueSize;
  }

  public int maxExportBatchSize() {
    return maxExportBatchSize;
  }

  public Duration scheduleDelay() {
    return scheduleDelay;
  }

  public Duration exportTimeout() {
    return exportTimeout;
  }

  public int failureThreshold() {
    return failureThreshold;
  }

  public Duration cooldown() {
    return cooldown;
  }

  /** Returns the configured header values, to mask in errors and logs. */
  public List<String> secrets() {
    return List.copyOf(secrets);
  }

  @Override
  public String toString() {
    return "SdkConfig{maxQueueSize=" + maxQueueSize + ", maxExportBatchSize="
        + maxExportBatchSize + ", failureThreshold=" + failureThreshold + ", cooldown="
        + cooldown + "}";
  }
}

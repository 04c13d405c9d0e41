package dev.perftrace.sdk.internal;

import dev.perftrace.exporter.otlp.OtlpProtocol;
import dev.perftrace.exporter.otlp.OtlpSettings;
import dev.perftrace.exporter.otlp.Signal;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The PerfTrace view of the OpenTelemetry configuration: resolved and validated once, from the
 * {@link ConfigProperties} that the OpenTelemetry autoconfigure module built (environment
 * variables, system properties, programmatic properties).
 *
 * <p>This class is internal and is not API. Thread safety: immutable after construction.
 */
public final class SdkConfig {

  /** Property naming the offline OTLP-JSON file. */
  public static final String OTLP_FILE = "perftrace.otlp.file";
  /** Property: consecutive failures that open the circuit. */
  public static final String CIRCUIT_THRESHOLD = "perftrace.exporter.circuit.failure.threshold";
  /** Property: how long the circuit stays open before a trial export. */
  public static final String CIRCUIT_COOLDOWN = "perftrace.exporter.circuit.cooldown";

  static final int DEFAULT_QUEUE_SIZE = 2048;
  static final int DEFAULT_BATCH_SIZE = 512;
  static final Duration DEFAULT_SCHEDULE_DELAY = Duration.ofSeconds(5);
  static final Duration DEFAULT_EXPORT_TIMEOUT = Duration.ofSeconds(30);
  static final Duration DEFAULT_METRIC_INTERVAL = Duration.ofSeconds(60);

  /** Where one signal goes. */
  public static final class Target {
    private final boolean enabled;
    private final OtlpSettings otlp; // null: JSON lines file
    private final Path file;

    Target(boolean enabled, OtlpSettings otlp, Path file) {
      this.enabled = enabled;
      this.otlp = otlp;
      this.file = file;
    }

    public boolean enabled() {
      return enabled;
    }

    /** Returns the OTLP settings, or null when the signal goes to the JSON lines file. */
    public OtlpSettings otlp() {
      return otlp;
    }

    public Path file() {
      return file;
    }

    @Override
    public String toString() {
      if (!enabled) {
        return "none";
      }
      return otlp != null ? otlp.toString() : "file:" + file;
    }
  }

  private final Target traces;
  private final Target metrics;
  private final int maxQueueSize;
  private final int maxExportBatchSize;
  private final Duration scheduleDelay;
  private final Duration exportTimeout;
  private final Duration metricInterval;
  private final int failureThreshold;
  private final Duration cooldown;
  private final List<String> secrets = new ArrayList<>();

  /** Resolves and validates; throws {@link ConfigurationException} naming the bad setting. */
  public SdkConfig(
      ConfigProperties config,
      String tracesExporter,
      String metricsExporter,
      Path defaultFile) {
    Path file = defaultFile;
    String fileSetting = config.getString(OTLP_FILE);
    if (fileSetting != null && !fileSetting.isBlank()) {
      file = Path.of(fileSetting.trim());
    }
    this.traces = target(config, Signal.TRACES, choice("otel.traces.exporter", tracesExporter), file);
    this.metrics =
        target(config, Signal.METRICS, choice("otel.metrics.exporter", metricsExporter), file);
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
    this.metricInterval =
        positive(config, "otel.metric.export.interval", DEFAULT_METRIC_INTERVAL);
    Integer prometheusPort = config.getInt("otel.exporter.prometheus.port");
    if (prometheusPort != null && (prometheusPort < 0 || prometheusPort > 65535)) {
      throw new ConfigurationException(
          "Invalid otel.exporter.prometheus.port=" + prometheusPort + ": must be in 0..65535");
    }
    this.failureThreshold = positiveInt(config, CIRCUIT_THRESHOLD, 3);
    this.cooldown = positive(config, CIRCUIT_COOLDOWN, Duration.ofSeconds(5));
    for (Target target : List.of(traces, metrics)) {
      if (target.otlp() != null) {
        secrets.addAll(target.otlp().headers().values());
      }
    }
  }

  /** Returns {@code otlp} or {@code none}; anything else fails naming the setting. */
  static String choice(String key, String value) {
    String v = value == null ? "otlp" : value.trim().toLowerCase(Locale.ROOT);
    if (v.isEmpty()) {
      v = "otlp";
    }
    if (!v.equals("otlp") && !v.equals("none")) {
      throw new ConfigurationException(
          "Unsupported " + key + "=" + value + " (perftrace-sdk accepts otlp or none)");
    }
    return v;
  }

  private static Target target(ConfigProperties config, Signal signal, String choice, Path file) {
    if (choice.equals("none")) {
      return new Target(false, null, null);
    }
    String s = signal.attributeValue();
    String specificEndpoint = config.getString("otel.exporter.otlp." + s + ".endpoint");
    String genericEndpoint = config.getString("otel.exporter.otlp.endpoint");
    if (isBlank(specificEndpoint) && isBlank(genericEndpoint)) {
      return new Target(true, null, file);
    }
    String protocolKey = "otel.exporter.otlp." + s + ".protocol";
    String protocolValue = config.getString(protocolKey);
    if (isBlank(protocolValue)) {
      protocolKey = "otel.exporter.otlp.protocol";
      protocolValue = config.getString(protocolKey, "grpc");
    }
    OtlpProtocol protocol;
    try {
      protocol = OtlpProtocol.fromConfigValue(protocolValue);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("Invalid " + protocolKey + ": " + e.getMessage(), e);
    }
    OtlpSettings.Builder builder = OtlpSettings.builder().setProtocol(protocol);
    String endpointKey;
    String endpoint;
    if (!isBlank(specificEndpoint)) {
      endpointKey = "otel.exporter.otlp." + s + ".endpoint";
      endpoint = specificEndpoint.trim();
    } else {
      endpointKey = "otel.exporter.otlp.endpoint";
      endpoint = genericEndpoint.trim();
      if (protocol == OtlpProtocol.HTTP_PROTOBUF) {
        endpoint = (endpoint.endsWith("/") ? endpoint : endpoint + "/") + "v1/" + s;
      }
    }
    try {
      builder.setEndpoint(endpoint);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("Invalid " + endpointKey + ": " + e.getMessage(), e);
    }
    Map<String, String> headers = new LinkedHashMap<>();
    headers.putAll(decodedMap(config, "otel.exporter.otlp.headers"));
    headers.putAll(decodedMap(config, "otel.exporter.otlp." + s + ".headers"));
    builder.putHeaders(headers);
    String compressionKey = pick(config, s, "compression");
    String compression = config.getString(compressionKey);
    if (!isBlank(compression)) {
      try {
        builder.setCompression(compression);
      } catch (IllegalArgumentException e) {
        throw new ConfigurationException("Invalid " + compressionKey + ": " + e.getMessage(), e);
      }
    }
    String timeoutKey = pick(config, s, "timeout");
    Duration timeout = config.getDuration(timeoutKey);
    if (timeout != null) {
      if (timeout.isZero() || timeout.isNegative()) {
        throw new ConfigurationException("Invalid " + timeoutKey + ": must be positive");
      }
      builder.setTimeout(timeout);
      builder.setConnectTimeout(timeout);
    }
    String certificateKey = pick(config, s, "certificate");
    String certificate = config.getString(certificateKey);
    if (!isBlank(certificate)) {
      byte[] pem;
      try {
        pem = Files.readAllBytes(Path.of(certificate.trim()));
      } catch (IOException | RuntimeException e) {
        throw new ConfigurationException(
            "Invalid " + certificateKey + ": cannot read the CA certificate file " + certificate,
            e);
      }
      if (!isPemCertificates(pem)) {
        throw new ConfigurationException(
            "Invalid " + certificateKey + ": " + certificate
                + " holds no PEM X.509 certificate");
      }
      builder.setTrustedCertificatesPem(pem);
    }
    return new Target(true, builder.build(), null);
  }

  /** Returns the signal-specific key when it is set, the generic one otherwise. */
  private static String pick(ConfigProperties config, String signal, String suffix) {
    String specific = "otel.exporter.otlp." + signal + "." + suffix;
    return isBlank(config.getString(specific)) ? "otel.exporter.otlp." + suffix : specific;
  }

  private static boolean isPemCertificates(byte[] pem) {
    try {
      return !java.security.cert.CertificateFactory.getInstance("X.509")
          .generateCertificates(new java.io.ByteArrayInputStream(pem))
          .isEmpty();
    } catch (java.security.cert.CertificateException | RuntimeException e) {
      return false;
    }
  }

  private static Map<String, String> decodedMap(ConfigProperties config, String key) {
    Map<String, String> raw;
    try {
      raw = config.getMap(key);
    } catch (ConfigurationException e) {
      // autoconfigure's message echoes the whole value: header values are secrets
      throw new ConfigurationException(
          "Invalid " + key + ": every entry must be key=value (value not shown)");
    }
    Map<String, String> decoded = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : raw.entrySet()) {
      try {
        decoded.put(e.getKey(), URLDecoder.decode(e.getValue(), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException ex) {
        // Never echo the value: header values are secrets.
        throw new ConfigurationException(
            "Invalid " + key + ": the value of header '" + e.getKey()
                + "' is not valid percent-encoding");
      }
    }
    return decoded;
  }

  private static int positiveInt(ConfigProperties config, String key, int defaultValue) {
    int value = config.getInt(key, defaultValue);
    if (value < 1) {
      throw new ConfigurationException("Invalid " + key + "=" + value + ": must be at least 1");
    }
    return value;
  }

  private static Duration positive(ConfigProperties config, String key, Duration defaultValue) {
    Duration value = config.getDuration(key, defaultValue);
    if (value.isZero() || value.isNegative()) {
      throw new ConfigurationException("Invalid " + key + "=" + value + ": must be positive");
    }
    return value;
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  public Target traces() {
    return traces;
  }

  public Target metrics() {
    return metrics;
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

  public Duration metricInterval() {
    return metricInterval;
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
    return "SdkConfig{traces=" + traces + ", metrics=" + metrics + ", maxQueueSize="
        + maxQueueSize + ", metricInterval=" + metricInterval + "}";
  }
}

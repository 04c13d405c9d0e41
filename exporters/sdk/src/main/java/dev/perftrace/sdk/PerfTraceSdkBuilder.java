package dev.perftrace.sdk;

import static java.util.Objects.requireNonNull;

import dev.perftrace.exporter.otlp.ExportGuard;
import dev.perftrace.exporter.otlp.Signal;
import dev.perftrace.exporter.prometheus.PrometheusExporter;
import dev.perftrace.sdk.internal.CorrelationIdSpanProcessor;
import dev.perftrace.sdk.internal.HistogramAggregationMetricExporter;
import dev.perftrace.sdk.internal.SdkConfig;
import dev.perftrace.sdk.internal.UnownedSpanExporter;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Builds a {@link PerfTraceSdk}. Every setter checks its argument; {@link #build()} reads the
 * OpenTelemetry configuration and fails with a {@code ConfigurationException} naming the setting
 * when one is invalid.
 *
 * <p>Thread safety: not thread-safe; configure and build from one thread.
 *
 * <p>Precedence of settings, lowest first: PerfTrace defaults; this builder's {@link
 * #setServiceName} and {@link #setResourceAttribute}; {@code OTEL_*} environment variables and
 * {@code otel.*} system properties; {@link #setConfigProperties}.
 */
public final class PerfTraceSdkBuilder {

  /** The default offline OTLP-JSON lines file, in the working directory. */
  public static final Path DEFAULT_OTLP_FILE = Path.of("perftrace-otlp.jsonl");
  /** The default Prometheus bind host. */
  public static final String DEFAULT_PROMETHEUS_HOST = "127.0.0.1";
  /** The default Prometheus port. */
  public static final int DEFAULT_PROMETHEUS_PORT = 9464;

  /**
   * The default {@code otel.attribute.value.length.limit} (characters): one huge attribute value
   * cannot push a batch past the collector's message size limit. Overridable with the setting.
   */
  public static final int DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT = 4096;

  private static final String ATTRIBUTE_VALUE_LENGTH_LIMIT = "otel.attribute.value.length.limit";
  private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
  private static final AttributeKey<String> SERVICE_INSTANCE_ID =
      AttributeKey.stringKey("service.instance.id");
  /** One {@code service.instance.id} per JVM (a replica), when no detector or setting gives one. */
  private static final String JVM_INSTANCE_ID = UUID.randomUUID().toString();
  private static final String PROMETHEUS_HOST = "otel.exporter.prometheus.host";
  private static final String PROMETHEUS_PORT = "otel.exporter.prometheus.port";
  private static final String DEFAULT_HISTOGRAM_AGGREGATION =
      "otel.exporter.otlp.metrics.default.histogram.aggregation";

  private String serviceName;
  private final Map<String, String> resourceAttributes = new LinkedHashMap<>();
  private boolean prometheusEnabled = true;
  private String prometheusHost = DEFAULT_PROMETHEUS_HOST;
  private int prometheusPort = DEFAULT_PROMETHEUS_PORT;
  private Path otlpFile = DEFAULT_OTLP_FILE;
  private final Map<String, String> configProperties = new LinkedHashMap<>();
  private boolean shutdownHook = true;
  private HistogramAggregation histogramAggregation = HistogramAggregation.explicitBucket();

  PerfTraceSdkBuilder() {}

  /**
   * Sets how histograms without a view are aggregated, for every reader (OTLP, the OTLP-JSON lines
   * file, Prometheus): {@link HistogramAggregation#explicitBucket()} (the default) or {@link
   * HistogramAggregation#base2Exponential()} (320 buckets, max scale 20). {@code
   * otel.exporter.otlp.metrics.default.histogram.aggregation} ({@code
   * OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION}), when set, overrides it for every
   * reader; {@code base2_exponential_bucket_histogram} selects {@link
   * HistogramAggregation#base2Exponential()} (320 buckets, not OpenTelemetry's 160).
   */
  public PerfTraceSdkBuilder setHistogramAggregation(HistogramAggregation aggregation) {
    this.histogramAggregation = requireNonNull(aggregation, "aggregation");
    return this;
  }

  /** Sets {@code service.name} (overridden by {@code OTEL_SERVICE_NAME}). */
  public PerfTraceSdkBuilder setServiceName(String serviceName) {
    requireNonNull(serviceName, "serviceName");
    if (serviceName.isBlank()) {
      throw new IllegalArgumentException("serviceName must not be blank");
    }
    this.serviceName = serviceName.trim();
    return this;
  }

  /**
   * Sets a resource attribute (an attribute of the same key in {@code OTEL_RESOURCE_ATTRIBUTES}
   * wins).
   */
  public PerfTraceSdkBuilder setResourceAttribute(String key, String value) {
    requireNonNull(key, "key");
    requireNonNull(value, "value");
    if (key.isBlank()) {
      throw new IllegalArgumentException("key must not be blank");
    }
    resourceAttributes.put(key.trim(), value);
    return this;
  }

  /** Turns the Prometheus scrape endpoint on or off (default on). */
  public PerfTraceSdkBuilder setPrometheusEnabled(boolean enabled) {
    this.prometheusEnabled = enabled;
    return this;
  }

  /**
   * Sets the Prometheus bind host (default {@code 127.0.0.1}; {@code
   * otel.exporter.prometheus.host} overrides it).
   */
  public PerfTraceSdkBuilder setPrometheusHost(String host) {
    requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new IllegalArgumentException("host must not be blank");
    }
    this.prometheusHost = host.trim();
    return this;
  }

  /**
   * Sets the Prometheus port (default 9464; 0 binds an ephemeral port, see {@link
   * PerfTraceSdk#prometheusPort()}; {@code otel.exporter.prometheus.port} overrides it).
   */
  public PerfTraceSdkBuilder setPrometheusPort(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in 0..65535: " + port);
    }
    this.prometheusPort = port;
    return this;
  }

  /**
   * Sets the OTLP-JSON lines file written when no OTLP endpoint is configured (default {@code
   * perftrace-otlp.jsonl} in the working directory; {@code perftrace.otlp.file} overrides it).
   */
  public PerfTraceSdkBuilder setOtlpFile(Path file) {
    this.otlpFile = requireNonNull(file, "file");
    return this;
  }

  /**
   * Adds OpenTelemetry ({@code otel.*}) and PerfTrace ({@code perftrace.*}) properties, as if
   * given as system properties but taking precedence over them and over environment variables.
   * Tests use this instead of environment variables.
   */
  public PerfTraceSdkBuilder setConfigProperties(Map<String, String> properties) {
    requireNonNull(properties, "properties");
    properties.forEach(
        (k, v) -> {
          requireNonNull(k, "properties key");
          requireNonNull(v, "properties value of " + k);
        });
    configProperties.putAll(properties);
    return this;
  }

  /** Registers a JVM shutdown hook that closes (flushes) the SDK (default on). */
  public PerfTraceSdkBuilder setShutdownHook(boolean enabled) {
    this.shutdownHook = enabled;
    return this;
  }

  /**
   * Builds and starts the SDK: OpenTelemetry's autoconfigure module builds resource, propagators,
   * sampler, limits and the exporters from the {@code OTEL_*} settings; PerfTrace wraps each
   * exporter in its circuit breaker and health state, runs spans through a bounded batch span
   * processor that counts queue drops, and adds the Prometheus reader, runtime metrics and the
   * exporter self-metrics.
   *
   * @throws ConfigurationException naming the setting when the configuration is invalid (header
   *     values are never part of the message)
   */
  public PerfTraceSdk build() {
    Map<String, String> defaults = new HashMap<>();
    defaults.put("otel.propagators", "tracecontext,baggage");
    defaults.put(ATTRIBUTE_VALUE_LENGTH_LIMIT, String.valueOf(DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT));
    defaults.put(SdkConfig.OTLP_FILE, otlpFile.toString());
    Map<String, String> explicit = Map.copyOf(configProperties);
    AtomicReference<SdkConfig> resolved = new AtomicReference<>();
    Map<Signal, ExportGuard> guards = new EnumMap<>(Signal.class);
    List<SpanExporter> batchedSpanExporters = new ArrayList<>();
    List<AutoCloseable> created = new ArrayList<>();
    Map<String, String> builderResource = new LinkedHashMap<>(resourceAttributes);
    String builderServiceName = serviceName;
    PrometheusExporter[] prometheus = new PrometheusExporter[1];
    HistogramAggregation builderHistograms = histogramAggregation;

    AutoConfiguredOpenTelemetrySdk auto;
    try {
      auto =
          AutoConfiguredOpenTelemetrySdk.builder()
              .disableShutdownHook()
              .addPropertiesSupplier(() -> defaults)
              .addPropertiesCustomizer(config -> explicit)
              .addPropertiesCustomizer(
                  config -> {
                    resolved.set(new SdkConfig(config));
                    return offlineDefaults(config);
                  })
              .addResourceCustomizer(
                  (resource, config) ->
                      resource(resource, config, builderServiceName, builderResource))
              .addSpanExporterCustomizer(
                  (exporter, config) -> {
                    if (isLocalConsole(exporter)) {
                      return exporter;
                    }
                    SpanExporter guarded =
                        guards
                            .computeIfAbsent(Signal.TRACES, s -> guard(s, resolved.get()))
                            .wrap(exporter);
                    batchedSpanExporters.add(guarded);
                    created.add(guarded::shutdown);
                    return new UnownedSpanExporter(guarded);
                  })
              .addSpanProcessorCustomizer(
                  (processor, config) -> {
                    if (!(processor instanceof BatchSpanProcessor)
                        || batchedSpanExporters.isEmpty()) {
                      return processor;
                    }
                    // Autoconfigure's processor reports queue drops only to its internal
                    // telemetry; PerfTrace's counts them in the health state. The replaced one
                    // has seen no span yet; its shutdown leaves the shared exporters open.
                    processor.shutdown();
                    SdkConfig c = resolved.get();
                    SpanExporter exporter =
                        batchedSpanExporters.size() == 1
                            ? batchedSpanExporters.get(0)
                            : SpanExporter.composite(batchedSpanExporters);
                    return BatchSpanProcessor.builder(exporter)
                        .setMaxQueueSize(c.maxQueueSize())
                        .setMaxExportBatchSize(c.maxExportBatchSize())
                        .setScheduleDelay(c.scheduleDelay())
                        .setExporterTimeout(c.exportTimeout())
                        .setMeterProvider(guards.get(Signal.TRACES).queueDropMeterProvider())
                        .build();
                  })
              .addTracerProviderCustomizer(
                  (builder, config) -> builder.addSpanProcessor(new CorrelationIdSpanProcessor()))
              .addMetricExporterCustomizer(
                  (exporter, config) -> {
                    if (isLocalConsole(exporter)) {
                      return exporter;
                    }
                    MetricExporter guarded =
                        guards
                            .computeIfAbsent(Signal.METRICS, s -> guard(s, resolved.get()))
                            .wrap(exporter);
                    created.add(guarded::shutdown);
                    HistogramAggregation histograms = histograms(config, builderHistograms);
                    return histograms.isExponential()
                        ? new HistogramAggregationMetricExporter(
                            guarded, histograms.toAggregation())
                        : guarded;
                  })
              .addMeterProviderCustomizer(
                  (builder, config) -> {
                    if (prometheusEnabled) {
                      String host = config.getString(PROMETHEUS_HOST, prometheusHost).trim();
                      int port = config.getInt(PROMETHEUS_PORT, prometheusPort);
                      if (host.isEmpty() || port < 0 || port > 65535) {
                        throw new ConfigurationException(
                            "Invalid " + PROMETHEUS_HOST + "/" + PROMETHEUS_PORT + ": "
                                + host + ":" + port);
                      }
                      prometheus[0] =
                          PrometheusWiring.register(
                              builder, host, port, created,
                              histograms(config, builderHistograms));
                    }
                    return builder;
                  })
              .build();
    } catch (RuntimeException e) {
      closeQuietly(created);
      throw withoutSecrets(e, resolved.get(), explicit);
    }
    return new PerfTraceSdk(
        auto.getOpenTelemetrySdk(), resolved.get(), guards, prometheus[0], shutdownHook);
  }

  /**
   * The histogram aggregation in force: {@code
   * otel.exporter.otlp.metrics.default.histogram.aggregation} when set, else the builder's.
   *
   * @throws ConfigurationException naming the setting when its value is not one of OpenTelemetry's
   *     two
   */
  static HistogramAggregation histograms(ConfigProperties config, HistogramAggregation builder) {
    String value = config.getString(DEFAULT_HISTOGRAM_AGGREGATION);
    if (isBlank(value)) {
      return builder;
    }
    switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "base2_exponential_bucket_histogram":
        return HistogramAggregation.base2Exponential();
      case "explicit_bucket_histogram":
        return HistogramAggregation.explicitBucket();
      default:
        throw new ConfigurationException(
            "Invalid " + DEFAULT_HISTOGRAM_AGGREGATION + ": " + value.trim()
                + " (base2_exponential_bucket_histogram or explicit_bucket_histogram)");
    }
  }

  /**
   * The offline default: a signal whose exporter is not set and that has no OTLP endpoint goes to
   * PerfTrace's OTLP-JSON lines file; logs are off unless configured (PerfTrace records none).
   */
  private static Map<String, String> offlineDefaults(ConfigProperties config) {
    Map<String, String> overrides = new HashMap<>();
    boolean generic = !isBlank(config.getString("otel.exporter.otlp.endpoint"));
    for (String signal : List.of("traces", "metrics")) {
      if (isBlank(config.getString("otel." + signal + ".exporter"))
          && !generic
          && isBlank(config.getString("otel.exporter.otlp." + signal + ".endpoint"))) {
        overrides.put("otel." + signal + ".exporter", SdkConfig.FILE_EXPORTER);
      }
    }
    if (isBlank(config.getString("otel.logs.exporter"))) {
      overrides.put("otel.logs.exporter", "none");
    }
    return overrides;
  }

  /**
   * Adds the builder's service name and attributes under OpenTelemetry's precedence: {@code
   * otel.service.name} over {@code service.name} in {@code otel.resource.attributes}, both over
   * the builder; a key in {@code otel.resource.attributes} wins over the builder's; keys in
   * {@code otel.resource.disabled.keys} stay out. Adds a random {@code service.instance.id}, one per
   * JVM, when no detector or setting gives one, so that every replica is told apart.
   */
  private static Resource resource(
      Resource resource,
      ConfigProperties config,
      String builderServiceName,
      Map<String, String> builderAttributes) {
    Map<String, String> fromConfig = config.getMap("otel.resource.attributes");
    Set<String> disabled = new HashSet<>(config.getList("otel.resource.disabled.keys"));
    AttributesBuilder missing = Attributes.builder();
    builderAttributes.forEach(
        (k, v) -> {
          if (!fromConfig.containsKey(k) && !disabled.contains(k)) {
            missing.put(k, v);
          }
        });
    if (builderServiceName != null
        && isBlank(config.getString("otel.service.name"))
        && !fromConfig.containsKey(SERVICE_NAME.getKey())
        && !disabled.contains(SERVICE_NAME.getKey())) {
      missing.put(SERVICE_NAME, builderServiceName);
    }
    Resource merged = resource.merge(Resource.create(missing.build()));
    if (merged.getAttribute(SERVICE_INSTANCE_ID) == null
        && !disabled.contains(SERVICE_INSTANCE_ID.getKey())) {
      merged =
          merged.merge(
              Resource.create(
                  Attributes.of(SERVICE_INSTANCE_ID, JVM_INSTANCE_ID)));
    }
    return merged;
  }

  /** The console / logging exporters write locally and never fail remotely: not guarded. */
  private static boolean isLocalConsole(Object exporter) {
    return exporter.getClass().getName().startsWith("io.opentelemetry.exporter.logging.");
  }

  /**
   * Rethrows {@code e} as a {@link ConfigurationException} that names the setting(s) at fault and
   * holds no header value. Autoconfigure's own messages often name only the value ({@code
   * "Unsupported OTLP metrics protocol: http/json"}) or hide the cause ({@code "Unexpected
   * configuration error"}); the settings given (builder properties, system properties,
   * environment) whose value, or header name, appears in the message are named.
   */
  private static RuntimeException withoutSecrets(
      RuntimeException e, SdkConfig config, Map<String, String> explicit) {
    Map<String, String> given = new LinkedHashMap<>();
    System.getenv()
        .forEach(
            (k, v) -> {
              if (k.startsWith("OTEL_") || k.startsWith("PERFTRACE_")) {
                given.put(k.toLowerCase(java.util.Locale.ROOT).replace('_', '.'), v);
              }
            });
    System.getProperties()
        .forEach(
            (k, v) -> {
              String key = String.valueOf(k);
              if (key.startsWith("otel.") || key.startsWith("perftrace.")) {
                given.put(key, String.valueOf(v));
              }
            });
    given.putAll(explicit);
    List<String> secrets = new ArrayList<>();
    if (config != null) {
      secrets.addAll(config.secrets());
    }
    given.forEach(
        (k, v) -> {
          if (k.endsWith(".headers")) {
            secrets.addAll(SdkConfig.headerValuesOf(v));
          }
        });
    StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
    for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause();
        cause = cause.getCause()) {
      if (cause.getMessage() != null && text.indexOf(cause.getMessage()) < 0) {
        text.append(": ").append(cause.getMessage());
      }
    }
    String message = text.toString();
    List<String> named = new ArrayList<>();
    given.forEach(
        (k, v) -> {
          if (message.contains(k)) {
            return;
          }
          if (k.endsWith(".headers")) {
            for (String entry : v.split(",")) {
              int eq = entry.indexOf('=');
              String header = (eq < 0 ? entry : entry.substring(0, eq)).trim();
              if (header.length() >= 2 && message.contains(header)) {
                named.add(k);
                return;
              }
            }
            if (message.contains("header")) {
              List<String> names = new ArrayList<>();
              for (String entry : v.split(",")) {
                int eq = entry.indexOf('=');
                if (eq > 0) {
                  names.add(entry.substring(0, eq).trim());
                }
              }
              named.add(k + (names.isEmpty() ? "" : " with headers " + names));
            }
          } else if (v.trim().length() >= 2 && message.contains(v.trim())) {
            named.add(k + "=" + v.trim());
          }
        });
    if (named.isEmpty()) {
      // no value quoted: name the settings whose last word the message uses ("... protocol")
      String lower = message.toLowerCase(java.util.Locale.ROOT);
      given.forEach(
          (k, v) -> {
            String word = k.substring(k.lastIndexOf('.') + 1);
            if (word.length() >= 5 && lower.contains(word) && !k.endsWith(".headers")) {
              named.add(k + "=" + v.trim());
            }
          });
    }
    String full = named.isEmpty() ? message : message + " (setting " + String.join(", ", named)
        + ")";
    boolean leaked = false;
    for (String secret : secrets) {
      if (!secret.isEmpty() && full.contains(secret)) {
        full = full.replace(secret, "****");
        leaked = true;
      }
    }
    if (!leaked && named.isEmpty() && message.equals(String.valueOf(e.getMessage()))
        && e instanceof ConfigurationException) {
      return e;
    }
    // the cause could echo a header value again: attached only when nothing was masked
    return leaked ? new ConfigurationException(full) : new ConfigurationException(full, e);
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  private static ExportGuard guard(Signal signal, SdkConfig config) {
    return ExportGuard.builder(signal)
        .setFailureThreshold(config.failureThreshold())
        .setCooldown(config.cooldown())
        .addSecrets(config.secrets())
        .build();
  }

  private static void closeQuietly(List<AutoCloseable> closeables) {
    for (AutoCloseable closeable : closeables) {
      try {
        closeable.close();
      } catch (Exception e) {
        // already failing: the configuration error is what the caller needs
      }
    }
  }

  @Override
  public String toString() {
    return "PerfTraceSdkBuilder{serviceName=" + serviceName
        + ", resourceAttributes=" + resourceAttributes.keySet()
        + ", prometheus=" + (prometheusEnabled ? prometheusHost + ":" + prometheusPort : "off")
        + ", otlpFile=" + otlpFile
        + ", configProperties=" + configProperties.keySet()
        + ", shutdownHook=" + shutdownHook
        + ", histogramAggregation=" + histogramAggregation + "}";
  }
}

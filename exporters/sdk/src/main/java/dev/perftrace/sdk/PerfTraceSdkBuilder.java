package dev.perftrace.sdk;

import static java.util.Objects.requireNonNull;

import dev.perftrace.exporter.otlp.ExportGuard;
import dev.perftrace.exporter.otlp.OtlpExporters;
import dev.perftrace.exporter.otlp.Signal;
import dev.perftrace.exporter.prometheus.PrometheusExporter;
import dev.perftrace.sdk.internal.CorrelationIdSpanProcessor;
import dev.perftrace.sdk.internal.SdkConfig;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  private static final String PROMETHEUS_HOST = "otel.exporter.prometheus.host";
  private static final String PROMETHEUS_PORT = "otel.exporter.prometheus.port";

  private String serviceName;
  private final Map<String, String> resourceAttributes = new LinkedHashMap<>();
  private boolean prometheusEnabled = true;
  private String prometheusHost = DEFAULT_PROMETHEUS_HOST;
  private int prometheusPort = DEFAULT_PROMETHEUS_PORT;
  private Path otlpFile = DEFAULT_OTLP_FILE;
  private final Map<String, String> configProperties = new LinkedHashMap<>();
  private boolean shutdownHook = true;

  PerfTraceSdkBuilder() {}

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
   * Builds and starts the SDK: exporters, the batch span processor, metric readers, runtime
   * metrics and the exporter self-metrics.
   *
   * @throws ConfigurationException naming the setting when the configuration is invalid
   */
  public PerfTraceSdk build() {
    Map<String, String> defaults = new HashMap<>();
    defaults.put("otel.propagators", "tracecontext,baggage");
    if (serviceName != null) {
      defaults.put("otel.service.name", serviceName);
    }
    Map<String, String> explicit = Map.copyOf(configProperties);
    Path file = otlpFile;
    AtomicReference<SdkConfig> resolved = new AtomicReference<>();
    Map<Signal, ExportGuard> guards = new EnumMap<>(Signal.class);
    List<AutoCloseable> created = new ArrayList<>();
    Attributes builderResource = resourceAttributes();
    PrometheusExporter[] prometheus = new PrometheusExporter[1];

    AutoConfiguredOpenTelemetrySdk auto;
    try {
      auto =
          AutoConfiguredOpenTelemetrySdk.builder()
              .disableShutdownHook()
              .addPropertiesSupplier(() -> defaults)
              .addPropertiesCustomizer(config -> explicit)
              .addPropertiesCustomizer(
                  config -> {
                    SdkConfig sdkConfig =
                        new SdkConfig(
                            config,
                            config.getString("otel.traces.exporter"),
                            config.getString("otel.metrics.exporter"),
                            file);
                    resolved.set(sdkConfig);
                    // PerfTrace builds the exporters itself (grpc-java channel with custom CA,
                    // circuit breaker); autoconfigure keeps resource, propagators, sampler, limits.
                    Map<String, String> overrides = new HashMap<>();
                    overrides.put("otel.traces.exporter", "none");
                    overrides.put("otel.metrics.exporter", "none");
                    overrides.put("otel.logs.exporter", "none");
                    return overrides;
                  })
              .addResourceCustomizer(
                  (resource, config) -> {
                    Map<String, String> fromConfig = config.getMap("otel.resource.attributes");
                    AttributesBuilder missing = Attributes.builder();
                    builderResource.forEach(
                        (k, v) -> {
                          if (!fromConfig.containsKey(k.getKey())) {
                            missing.put(k.getKey(), String.valueOf(v));
                          }
                        });
                    return resource.merge(Resource.create(missing.build()));
                  })
              .addTracerProviderCustomizer(
                  (builder, config) -> {
                    builder.addSpanProcessor(new CorrelationIdSpanProcessor());
                    SdkConfig c = resolved.get();
                    if (c != null && c.traces().enabled()) {
                      ExportGuard guard = guard(Signal.TRACES, c);
                      guards.put(Signal.TRACES, guard);
                      SpanExporter exporter =
                          c.traces().otlp() != null
                              ? OtlpExporters.spanExporter(c.traces().otlp())
                              : OtlpExporters.jsonLinesSpanExporter(c.traces().file());
                      created.add(exporter::close);
                      builder.addSpanProcessor(
                          BatchSpanProcessor.builder(guard.wrap(exporter))
                              .setMaxQueueSize(c.maxQueueSize())
                              .setMaxExportBatchSize(c.maxExportBatchSize())
                              .setScheduleDelay(c.scheduleDelay())
                              .setExporterTimeout(c.exportTimeout())
                              .setMeterProvider(guard.queueDropMeterProvider())
                              .build());
                    }
                    return builder;
                  })
              .addMeterProviderCustomizer(
                  (builder, config) -> {
                    SdkConfig c = resolved.get();
                    if (c != null && c.metrics().enabled()) {
                      ExportGuard guard = guard(Signal.METRICS, c);
                      guards.put(Signal.METRICS, guard);
                      MetricExporter exporter =
                          c.metrics().otlp() != null
                              ? OtlpExporters.metricExporter(c.metrics().otlp())
                              : OtlpExporters.jsonLinesMetricExporter(c.metrics().file());
                      created.add(exporter::close);
                      builder.registerMetricReader(
                          PeriodicMetricReader.builder(guard.wrap(exporter))
                              .setInterval(c.metricInterval())
                              .build());
                    }
                    if (prometheusEnabled) {
                      String host = config.getString(PROMETHEUS_HOST, prometheusHost).trim();
                      int port = config.getInt(PROMETHEUS_PORT, prometheusPort);
                      if (host.isEmpty() || port < 0 || port > 65535) {
                        throw new ConfigurationException(
                            "Invalid " + PROMETHEUS_HOST + "/" + PROMETHEUS_PORT + ": "
                                + host + ":" + port);
                      }
                      prometheus[0] = PrometheusWiring.register(builder, host, port, created);
                    }
                    return builder;
                  })
              .build();
    } catch (RuntimeException e) {
      closeQuietly(created);
      throw e;
    }
    return new PerfTraceSdk(
        auto.getOpenTelemetrySdk(), resolved.get(), guards, prometheus[0], shutdownHook);
  }

  private static ExportGuard guard(Signal signal, SdkConfig config) {
    return ExportGuard.builder(signal)
        .setFailureThreshold(config.failureThreshold())
        .setCooldown(config.cooldown())
        .addSecrets(config.secrets())
        .build();
  }

  private Attributes resourceAttributes() {
    AttributesBuilder builder = Attributes.builder();
    resourceAttributes.forEach((k, v) -> builder.put(AttributeKey.stringKey(k), v));
    return builder.build();
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
        + ", shutdownHook=" + shutdownHook + "}";
  }
}

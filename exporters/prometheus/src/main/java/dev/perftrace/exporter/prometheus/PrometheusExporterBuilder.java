package dev.perftrace.exporter.prometheus;

import static java.util.Objects.requireNonNull;

import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.export.DefaultAggregationSelector;

/**
 * Configures and builds a {@link PrometheusExporter}.
 *
 * <p>Thread safety: not thread-safe; configure and build from one thread.
 */
public final class PrometheusExporterBuilder {

  static final String DEFAULT_HOST = "127.0.0.1";
  static final int DEFAULT_PORT = 9464;

  private String host = DEFAULT_HOST;
  private int port = DEFAULT_PORT;
  private boolean serverEnabled = true;
  private boolean targetInfoEnabled = true;
  private boolean scopeLabelsEnabled = true;
  private DefaultAggregationSelector aggregationSelector =
      DefaultAggregationSelector.getDefault();

  PrometheusExporterBuilder() {}

  /**
   * Sets the address the built-in HTTP server binds to (default {@code 127.0.0.1}, loopback only).
   * Use {@code 0.0.0.0} to accept scrapes from other hosts.
   *
   * @throws NullPointerException if {@code host} is null
   * @throws IllegalArgumentException if {@code host} is blank
   */
  public PrometheusExporterBuilder setHost(String host) {
    requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new IllegalArgumentException("host must not be blank");
    }
    this.host = host.trim();
    return this;
  }

  /**
   * Sets the port of the built-in HTTP server (default 9464; 0 picks a free port, see {@link
   * PrometheusExporter#port()}).
   *
   * @throws IllegalArgumentException if {@code port} is not in 0..65535
   */
  public PrometheusExporterBuilder setPort(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in 0..65535, was " + port);
    }
    this.port = port;
    return this;
  }

  /**
   * Sets whether {@link #build()} starts the built-in HTTP server (default true). Without it, the
   * exporter is only a simpleclient {@code Collector} to register into an application's registry.
   */
  public PrometheusExporterBuilder setServerEnabled(boolean serverEnabled) {
    this.serverEnabled = serverEnabled;
    return this;
  }

  /**
   * Sets whether the resource is exposed as the {@code target_info} series (default true).
   */
  public PrometheusExporterBuilder setTargetInfoEnabled(boolean targetInfoEnabled) {
    this.targetInfoEnabled = targetInfoEnabled;
    return this;
  }

  /**
   * Sets whether every series carries the {@code otel_scope_name} and {@code otel_scope_version}
   * labels of its instrumentation scope (default true).
   */
  public PrometheusExporterBuilder setScopeLabelsEnabled(boolean scopeLabelsEnabled) {
    this.scopeLabelsEnabled = scopeLabelsEnabled;
    return this;
  }

  /**
   * Sets the default aggregation per instrument type of this reader (default: the SDK's default,
   * explicit-bucket histograms). With {@code DefaultAggregationSelector.getDefault().with(
   * InstrumentType.HISTOGRAM, Aggregation.base2ExponentialBucketHistogram())} histograms without
   * a view are exponential: protobuf scrapes get them as native histograms, text and OpenMetrics
   * scrapes leave them out (see the README). Views still take precedence.
   *
   * @throws NullPointerException if {@code selector} is null
   */
  public PrometheusExporterBuilder setDefaultAggregationSelector(
      DefaultAggregationSelector selector) {
    this.aggregationSelector = requireNonNull(selector, "selector");
    return this;
  }

  /**
   * Shortcut for {@link #setDefaultAggregationSelector} making histograms base-2 exponential
   * with at most {@code maxBuckets} buckets per sign and a starting scale of at most {@code
   * maxScale} (OpenTelemetry's defaults are 160 and 20).
   *
   * @throws IllegalArgumentException if {@code maxBuckets} is below 2 or {@code maxScale} is not
   *     in -10..20 (OpenTelemetry's limits)
   */
  @SuppressWarnings("deprecation") // the (maxBuckets, maxScale) spelling is the one 1.59 has
  public PrometheusExporterBuilder setExponentialHistograms(int maxBuckets, int maxScale) {
    Aggregation aggregation = Aggregation.base2ExponentialBucketHistogram(maxBuckets, maxScale);
    return setDefaultAggregationSelector(
        DefaultAggregationSelector.getDefault().with(InstrumentType.HISTOGRAM, aggregation));
  }

  /**
   * Builds the exporter and, when enabled, starts its HTTP server.
   *
   * @throws java.io.UncheckedIOException if the HTTP server cannot bind {@code host:port}
   */
  public PrometheusExporter build() {
    return PrometheusExporter.create(
        host, port, serverEnabled, targetInfoEnabled, scopeLabelsEnabled, aggregationSelector);
  }
}

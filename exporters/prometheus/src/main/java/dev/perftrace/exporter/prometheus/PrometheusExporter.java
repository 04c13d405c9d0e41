package dev.perftrace.exporter.prometheus;

import dev.perftrace.exporter.prometheus.internal.MetricConverter;
import dev.perftrace.exporter.prometheus.internal.MetricConverter.Conversion;
import dev.perftrace.exporter.prometheus.internal.MetricConverter.Converted;
import dev.perftrace.exporter.prometheus.internal.MetricsHttpServer;
import dev.perftrace.exporter.prometheus.internal.OnceLogger;
import dev.perftrace.exporter.prometheus.internal.OnceLogger.Reason;
import dev.perftrace.exporter.prometheus.internal.ProtobufExposition;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.DefaultAggregationSelector;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An OpenTelemetry {@link MetricReader} (pull, cumulative) that is also a simpleclient {@link
 * Collector}: at every scrape it collects the SDK's metrics and converts them to Prometheus
 * samples, with exemplars ({@code trace_id}, {@code span_id}) on histogram buckets and counters.
 *
 * <p>Thread safety: safe for concurrent use; concurrent scrapes are serialized internally and
 * each gets a complete, consistent result.
 *
 * <p>Register it with an SDK ({@code SdkMeterProvider.builder().registerMetricReader(exporter)}),
 * then either let its built-in server answer on {@code http://127.0.0.1:9464/metrics} (text format
 * 0.0.4, OpenMetrics 1.0 or the protobuf exposition with native histograms, by the {@code Accept}
 * header; {@code /-/healthy} for health), or
 * register it into an application's own registry with {@link #register(CollectorRegistry)}. The
 * built-in server uses a registry of its own, never {@link CollectorRegistry#defaultRegistry}.
 * Collecting never throws: a failure is logged once and the scrape returns what could be
 * converted.
 */
public final class PrometheusExporter extends Collector
    implements MetricReader, Collector.Describable {

  private final OnceLogger log = new OnceLogger();
  private final MetricConverter converter;
  private final ProtobufExposition protobuf = new ProtobufExposition(log);
  private final DefaultAggregationSelector aggregationSelector;
  private final ReentrantLock lock = new ReentrantLock();
  private final AtomicBoolean shutdown = new AtomicBoolean();
  private volatile CollectionRegistration registration = CollectionRegistration.noop();
  private volatile MetricsHttpServer server;

  private PrometheusExporter(
      boolean targetInfoEnabled,
      boolean scopeLabelsEnabled,
      DefaultAggregationSelector aggregationSelector) {
    this.converter = new MetricConverter(targetInfoEnabled, scopeLabelsEnabled, log);
    this.aggregationSelector = aggregationSelector;
  }

  /** Returns a builder with the defaults: server enabled on {@code 127.0.0.1:9464}. */
  public static PrometheusExporterBuilder builder() {
    return new PrometheusExporterBuilder();
  }

  static PrometheusExporter create(
      String host,
      int port,
      boolean serverEnabled,
      boolean targetInfoEnabled,
      boolean scopeLabelsEnabled,
      DefaultAggregationSelector aggregationSelector) {
    PrometheusExporter exporter =
        new PrometheusExporter(targetInfoEnabled, scopeLabelsEnabled, aggregationSelector);
    if (serverEnabled) {
      CollectorRegistry registry = new CollectorRegistry();
      registry.register(exporter);
      try {
        exporter.server =
            MetricsHttpServer.start(
                host,
                port,
                registry,
                (out, names) -> exporter.protobuf.write(out, exporter.collectAll(), names));
      } catch (IOException e) {
        throw new UncheckedIOException(
            "Prometheus exporter could not listen on " + host + ":" + port, e);
      }
    }
    return exporter;
  }

  /** Returns the port the built-in HTTP server listens on, or -1 when there is no server. */
  public int port() {
    MetricsHttpServer current = server;
    return current == null ? -1 : current.port();
  }

  /**
   * Collects the SDK's metrics and converts them; called by simpleclient at every scrape (text
   * 0.0.4 and OpenMetrics). Exponential histograms have no classic form with stable buckets and
   * are left out here (logged once); the built-in server's protobuf exposition serves them as
   * native histograms. Returns an empty list before the SDK registered this reader and after
   * {@link #shutdown()}.
   */
  @Override
  public List<MetricFamilySamples> collect() {
    Conversion conversion = convert();
    if (conversion.classic().size() != conversion.families().size()) {
      log.warn(
          Reason.NATIVE_ONLY_IN_PROTOBUF,
          "Exponential histograms are served only in the protobuf exposition (native"
              + " histograms); text and OpenMetrics scrapes leave them out",
          null);
    }
    return conversion.classic();
  }

  /** Every family of one collection, exponential histograms as native ones (protobuf). */
  private List<Converted> collectAll() {
    return convert().families();
  }

  private Conversion convert() {
    if (shutdown.get()) {
      return new Conversion(List.of(), List.of());
    }
    lock.lock();
    try {
      Collection<MetricData> data = registration.collectAllMetrics();
      return converter.convertAll(data);
    } catch (RuntimeException e) {
      log.warn(Reason.COLLECTION_FAILED, "Collecting metrics for Prometheus failed", e);
      return new Conversion(List.of(), List.of());
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns the aggregation the builder's {@link
   * PrometheusExporterBuilder#setDefaultAggregationSelector selector} gives {@code
   * instrumentType} (the SDK's default unless configured).
   */
  @Override
  public Aggregation getDefaultAggregation(InstrumentType instrumentType) {
    return aggregationSelector.getDefaultAggregation(instrumentType);
  }

  /**
   * Returns an empty list: the families depend on what the application records, so they cannot
   * be described in advance, and registering must not trigger a collection.
   */
  @Override
  public List<MetricFamilySamples> describe() {
    return List.of();
  }

  /** Called by the SDK when this reader is registered with an {@code SdkMeterProvider}. */
  @Override
  public void register(CollectionRegistration registration) {
    this.registration = registration;
  }

  /** Returns {@link AggregationTemporality#CUMULATIVE}: Prometheus needs cumulative data. */
  @Override
  public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
    return AggregationTemporality.CUMULATIVE;
  }

  /**
   * Returns {@link MemoryMode#REUSABLE_DATA}: the SDK reuses its result objects between
   * collections, which is safe because collections are serialized and converted under a lock.
   */
  @Override
  public MemoryMode getMemoryMode() {
    return MemoryMode.REUSABLE_DATA;
  }

  /** Does nothing and succeeds: Prometheus pulls. */
  @Override
  public CompletableResultCode forceFlush() {
    return CompletableResultCode.ofSuccess();
  }

  /** Stops the built-in HTTP server, if any; later scrapes return nothing. Idempotent. */
  @Override
  public CompletableResultCode shutdown() {
    if (!shutdown.compareAndSet(false, true)) {
      return CompletableResultCode.ofSuccess();
    }
    MetricsHttpServer current = server;
    if (current != null) {
      try {
        current.close();
      } catch (RuntimeException e) {
        log.warn(Reason.SERVER_STOP_FAILED, "Stopping the Prometheus HTTP server failed", e);
        return CompletableResultCode.ofFailure();
      }
    }
    registration = CollectionRegistration.noop();
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public String toString() {
    MetricsHttpServer current = server;
    return "PrometheusExporter{port=" + (current == null ? -1 : current.port()) + "}";
  }
}

package dev.perftrace.sdk;

import dev.perftrace.exporter.prometheus.PrometheusExporter;
import dev.perftrace.exporter.prometheus.PrometheusExporterBuilder;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.opentelemetry.sdk.metrics.SdkMeterProviderBuilder;
import java.util.List;

/** Registers the Prometheus reader (perftrace-exporter-prometheus) on the meter provider. */
final class PrometheusWiring {

  private PrometheusWiring() {}

  /**
   * Starts the Prometheus exporter's scrape server and registers it as a metric reader; the
   * server stops when the meter provider shuts down.
   *
   * @throws ConfigurationException naming host and port when the server cannot bind
   */
  static PrometheusExporter register(
      SdkMeterProviderBuilder builder, String host, int port, List<AutoCloseable> created) {
    return register(builder, host, port, created, HistogramAggregation.explicitBucket());
  }

  /** As {@link #register(SdkMeterProviderBuilder, String, int, List)}, with {@code histograms}. */
  static PrometheusExporter register(
      SdkMeterProviderBuilder builder,
      String host,
      int port,
      List<AutoCloseable> created,
      HistogramAggregation histograms) {
    PrometheusExporter exporter;
    try {
      PrometheusExporterBuilder exporterBuilder =
          PrometheusExporter.builder().setHost(host).setPort(port).setServerEnabled(true);
      if (histograms.isExponential()) {
        exporterBuilder.setExponentialHistograms(histograms.maxBuckets(), histograms.maxScale());
      }
      exporter = exporterBuilder.build();
    } catch (RuntimeException e) {
      throw new ConfigurationException(
          "Prometheus scrape endpoint (setPrometheusHost/setPrometheusPort) " + host + ":" + port
              + " cannot be served: " + e.getMessage(),
          e);
    }
    created.add(exporter::shutdown);
    builder.registerMetricReader(exporter);
    return exporter;
  }

  /** Returns the bound port of {@code exporter}, or -1 when there is none. */
  static int port(PrometheusExporter exporter) {
    return exporter == null ? -1 : exporter.port();
  }
}

package dev.perftrace.sdk;

import io.opentelemetry.sdk.metrics.SdkMeterProviderBuilder;
import java.util.List;

/** Registers the Prometheus reader (perftrace-exporter-prometheus) on the meter provider. */
final class PrometheusWiring {

  private PrometheusWiring() {}

  /** Returns the registered exporter, or null while the Prometheus module is not available. */
  static Object register(
      SdkMeterProviderBuilder builder, String host, int port, List<AutoCloseable> created) {
    return null;
  }

  /** Returns the bound port of {@code exporter}, or -1. */
  static int port(Object exporter) {
    return -1;
  }
}

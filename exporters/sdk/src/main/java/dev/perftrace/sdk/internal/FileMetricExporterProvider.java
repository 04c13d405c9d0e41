package dev.perftrace.sdk.internal;

import dev.perftrace.exporter.otlp.OtlpExporters;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.metrics.ConfigurableMetricExporterProvider;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import java.io.UncheckedIOException;

/**
 * The {@code perftrace-otlp-file} metric exporter for autoconfigure: PerfTrace's OTLP-JSON lines
 * file ({@code perftrace.otlp.file}, size-capped and rotated; cumulative temporality).
 *
 * <p>This class is internal and is not API. Thread safety: stateless.
 */
public final class FileMetricExporterProvider implements ConfigurableMetricExporterProvider {

  @Override
  public MetricExporter createExporter(ConfigProperties config) {
    SdkConfig.FileSettings file = SdkConfig.file(config);
    try {
      return OtlpExporters.jsonLinesMetricExporter(file.path, file.maxBytes, file.maxFiles);
    } catch (UncheckedIOException e) {
      throw FileSpanExporterProvider.unwritable(file, e);
    }
  }

  @Override
  public String getName() {
    return SdkConfig.FILE_EXPORTER;
  }
}

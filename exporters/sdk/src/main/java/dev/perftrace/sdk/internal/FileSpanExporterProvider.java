package dev.perftrace.sdk.internal;

import dev.perftrace.exporter.otlp.OtlpExporters;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.opentelemetry.sdk.autoconfigure.spi.traces.ConfigurableSpanExporterProvider;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.UncheckedIOException;

/**
 * The {@code perftrace-otlp-file} span exporter for autoconfigure: PerfTrace's OTLP-JSON lines
 * file ({@code perftrace.otlp.file}, size-capped and rotated).
 *
 * <p>This class is internal and is not API. Thread safety: stateless.
 */
public final class FileSpanExporterProvider implements ConfigurableSpanExporterProvider {

  @Override
  public SpanExporter createExporter(ConfigProperties config) {
    SdkConfig.FileSettings file = SdkConfig.file(config);
    try {
      return OtlpExporters.jsonLinesSpanExporter(file.path, file.maxBytes, file.maxFiles);
    } catch (UncheckedIOException e) {
      throw unwritable(file, e);
    }
  }

  static ConfigurationException unwritable(SdkConfig.FileSettings file, RuntimeException e) {
    return new ConfigurationException(
        "Invalid " + SdkConfig.OTLP_FILE + "=" + file.path + ": cannot be written ("
            + e.getMessage() + ")",
        e);
  }

  @Override
  public String getName() {
    return SdkConfig.FILE_EXPORTER;
  }
}

package dev.perftrace.exporter.otlp;

import static java.util.Objects.requireNonNull;

import dev.perftrace.exporter.otlp.internal.JsonLinesFile;
import dev.perftrace.exporter.otlp.internal.JsonLinesMetricExporter;
import dev.perftrace.exporter.otlp.internal.JsonLinesSpanExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporterBuilder;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporterBuilder;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporterBuilder;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Creates OpenTelemetry's OTLP exporters configured from {@link OtlpSettings}: OTLP/gRPC ({@code
 * OtlpGrpc*Exporter}, over the gRPC sender found through OpenTelemetry's public {@code
 * GrpcSenderProvider} SPI), OTLP/HTTP protobuf ({@code OtlpHttp*Exporter} with the JDK HTTP client
 * sender), and PerfTrace's OTLP-JSON lines file for offline use, with a size cap and rotation.
 *
 * <p>Thread safety: stateless; safe for concurrent use. The exporters returned are thread-safe.
 * Exporters never block the caller of a span or metric API: they run on the processor's or
 * reader's thread, bounded by {@link OtlpSettings#timeout()}. Wrap them with an {@link
 * ExportGuard} for the circuit breaker and the health state.
 */
public final class OtlpExporters {

  private OtlpExporters() {}

  /**
   * Returns a span exporter for {@code settings}.
   *
   * @throws IllegalArgumentException naming the problem when the trusted certificates are not
   *     valid PEM
   */
  public static SpanExporter spanExporter(OtlpSettings settings) {
    requireNonNull(settings, "settings");
    if (settings.protocol() == OtlpProtocol.HTTP_PROTOBUF) {
      OtlpHttpSpanExporterBuilder builder =
          OtlpHttpSpanExporter.builder()
              .setEndpoint(settings.endpoint().toString())
              .setTimeout(settings.timeout())
              .setConnectTimeout(settings.connectTimeout())
              .setCompression(settings.compression())
              .setRetryPolicy(settings.retryEnabled() ? RetryPolicy.getDefault() : null);
      settings.headers().forEach(builder::addHeader);
      settings.trustedCertificatesPem().ifPresent(builder::setTrustedCertificates);
      return builder.build();
    }
    OtlpGrpcSpanExporterBuilder builder =
        OtlpGrpcSpanExporter.builder()
            .setEndpoint(settings.endpoint().toString())
            .setTimeout(settings.timeout())
            .setConnectTimeout(settings.connectTimeout())
            .setCompression(settings.compression())
            .setRetryPolicy(settings.retryEnabled() ? RetryPolicy.getDefault() : null);
    settings.headers().forEach(builder::addHeader);
    settings.trustedCertificatesPem().ifPresent(builder::setTrustedCertificates);
    return builder.build();
  }

  /**
   * Returns a metric exporter (cumulative temporality) for {@code settings}.
   *
   * @throws IllegalArgumentException naming the problem when the trusted certificates are not
   *     valid PEM
   */
  public static MetricExporter metricExporter(OtlpSettings settings) {
    requireNonNull(settings, "settings");
    if (settings.protocol() == OtlpProtocol.HTTP_PROTOBUF) {
      OtlpHttpMetricExporterBuilder builder =
          OtlpHttpMetricExporter.builder()
              .setEndpoint(settings.endpoint().toString())
              .setTimeout(settings.timeout())
              .setConnectTimeout(settings.connectTimeout())
              .setCompression(settings.compression())
              .setRetryPolicy(settings.retryEnabled() ? RetryPolicy.getDefault() : null);
      settings.headers().forEach(builder::addHeader);
      settings.trustedCertificatesPem().ifPresent(builder::setTrustedCertificates);
      return builder.build();
    }
    OtlpGrpcMetricExporterBuilder builder =
        OtlpGrpcMetricExporter.builder()
            .setEndpoint(settings.endpoint().toString())
            .setTimeout(settings.timeout())
            .setConnectTimeout(settings.connectTimeout())
            .setCompression(settings.compression())
            .setRetryPolicy(settings.retryEnabled() ? RetryPolicy.getDefault() : null);
    settings.headers().forEach(builder::addHeader);
    settings.trustedCertificatesPem().ifPresent(builder::setTrustedCertificates);
    return builder.build();
  }

  /** Default size cap of the OTLP-JSON lines file: 64 MiB. */
  public static final long DEFAULT_FILE_MAX_BYTES = 64L * 1024 * 1024;
  /** Default number of OTLP-JSON lines files kept (the current one and one rotated). */
  public static final int DEFAULT_FILE_MAX_FILES = 2;

  /**
   * Returns a span exporter that appends each batch to {@code file} as one OTLP-JSON line (an
   * {@code ExportTraceServiceRequest} in the OTLP JSON encoding), with the default size cap
   * ({@value #DEFAULT_FILE_MAX_BYTES} bytes, {@value #DEFAULT_FILE_MAX_FILES} files).
   *
   * @throws UncheckedIOException naming the file when it cannot be opened for appending
   */
  public static SpanExporter jsonLinesSpanExporter(Path file) {
    return jsonLinesSpanExporter(file, DEFAULT_FILE_MAX_BYTES, DEFAULT_FILE_MAX_FILES);
  }

  /**
   * Returns a span exporter that appends each batch to {@code file} as one OTLP-JSON line. When a
   * line would take the file past {@code maxFileBytes} the file is rotated ({@code file.1},
   * {@code file.2}, ...; at most {@code maxFiles} files including the current one, the oldest is
   * deleted), so disk use stays under {@code maxFiles * maxFileBytes}. A batch whose line alone
   * exceeds {@code maxFileBytes} is not written: the export fails and the batch is dropped. Span
   * and metric exporters may share one file: lines never interleave.
   *
   * @throws IllegalArgumentException when {@code maxFileBytes} or {@code maxFiles} is below 1
   * @throws UncheckedIOException naming the file when it cannot be opened for appending
   */
  public static SpanExporter jsonLinesSpanExporter(Path file, long maxFileBytes, int maxFiles) {
    return new JsonLinesSpanExporter(open(file, maxFileBytes, maxFiles));
  }

  /**
   * Returns a metric exporter that appends each collection to {@code file} as one OTLP-JSON line
   * (an {@code ExportMetricsServiceRequest}, cumulative temporality), with the default size cap.
   *
   * @throws UncheckedIOException naming the file when it cannot be opened for appending
   */
  public static MetricExporter jsonLinesMetricExporter(Path file) {
    return jsonLinesMetricExporter(file, DEFAULT_FILE_MAX_BYTES, DEFAULT_FILE_MAX_FILES);
  }

  /**
   * Returns a metric exporter writing OTLP-JSON lines to {@code file} with the given size cap and
   * rotation, as {@link #jsonLinesSpanExporter(Path, long, int)}.
   */
  public static MetricExporter jsonLinesMetricExporter(
      Path file, long maxFileBytes, int maxFiles) {
    return new JsonLinesMetricExporter(open(file, maxFileBytes, maxFiles));
  }

  private static JsonLinesFile open(Path file, long maxFileBytes, int maxFiles) {
    requireNonNull(file, "file");
    if (maxFileBytes < 1) {
      throw new IllegalArgumentException("maxFileBytes must be at least 1: " + maxFileBytes);
    }
    if (maxFiles < 1) {
      throw new IllegalArgumentException("maxFiles must be at least 1: " + maxFiles);
    }
    return new JsonLinesFile(file, maxFileBytes, maxFiles);
  }
}

package dev.perftrace.exporter.otlp;

import static java.util.Objects.requireNonNull;

import dev.perftrace.exporter.otlp.internal.ChannelOwningMetricExporter;
import dev.perftrace.exporter.otlp.internal.ChannelOwningSpanExporter;
import dev.perftrace.exporter.otlp.internal.GrpcChannels;
import dev.perftrace.exporter.otlp.internal.LineAtomicOutputStream;
import io.grpc.ManagedChannel;
import io.opentelemetry.exporter.logging.otlp.internal.metrics.OtlpStdoutMetricExporter;
import io.opentelemetry.exporter.logging.otlp.internal.traces.OtlpStdoutSpanExporter;
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
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Creates OpenTelemetry's OTLP exporters configured from {@link OtlpSettings}: OTLP/gRPC over
 * grpc-java ({@code OtlpGrpc*Exporter} with the grpc-java sender and a channel PerfTrace builds,
 * so that a custom CA and the connect timeout apply), OTLP/HTTP protobuf ({@code OtlpHttp*Exporter}
 * with the JDK HTTP client), and OTLP-JSON lines written to a file for offline use ({@code
 * OtlpStdout*Exporter}).
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
  @SuppressWarnings("deprecation") // setChannel: the only way to give the sender a TLS channel
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
    ManagedChannel channel = GrpcChannels.create(settings);
    OtlpGrpcSpanExporterBuilder builder =
        OtlpGrpcSpanExporter.builder()
            .setEndpoint(settings.endpoint().toString())
            .setChannel(channel)
            .setTimeout(settings.timeout())
            .setCompression(settings.compression())
            .setRetryPolicy(settings.retryEnabled() ? RetryPolicy.getDefault() : null);
    settings.headers().forEach(builder::addHeader);
    return new ChannelOwningSpanExporter(builder.build(), channel, settings.toString());
  }

  /**
   * Returns a metric exporter (cumulative temporality) for {@code settings}.
   *
   * @throws IllegalArgumentException naming the problem when the trusted certificates are not
   *     valid PEM
   */
  @SuppressWarnings("deprecation") // setChannel: the only way to give the sender a TLS channel
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
    ManagedChannel channel = GrpcChannels.create(settings);
    OtlpGrpcMetricExporterBuilder builder =
        OtlpGrpcMetricExporter.builder()
            .setEndpoint(settings.endpoint().toString())
            .setChannel(channel)
            .setTimeout(settings.timeout())
            .setCompression(settings.compression())
            .setRetryPolicy(settings.retryEnabled() ? RetryPolicy.getDefault() : null);
    settings.headers().forEach(builder::addHeader);
    return new ChannelOwningMetricExporter(builder.build(), channel, settings.toString());
  }

  /**
   * Returns a span exporter that appends each batch to {@code file} as one OTLP-JSON line (an
   * {@code ExportTraceServiceRequest} in the OTLP JSON encoding). Several exporters may append to
   * the same file: lines never interleave. The file is closed when the exporter shuts down.
   *
   * @throws UncheckedIOException naming the file when it cannot be opened for appending
   */
  public static SpanExporter jsonLinesSpanExporter(Path file) {
    return OtlpStdoutSpanExporter.builder().setOutput(openAppending(file)).build();
  }

  /**
   * Returns a metric exporter that appends each collection to {@code file} as one OTLP-JSON line
   * (an {@code ExportMetricsServiceRequest}, cumulative temporality). Lines never interleave with
   * other writers of the same file. The file is closed when the exporter shuts down.
   *
   * @throws UncheckedIOException naming the file when it cannot be opened for appending
   */
  public static MetricExporter jsonLinesMetricExporter(Path file) {
    return OtlpStdoutMetricExporter.builder().setOutput(openAppending(file)).build();
  }

  private static LineAtomicOutputStream openAppending(Path file) {
    requireNonNull(file, "file");
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      return new LineAtomicOutputStream(new FileOutputStream(file.toFile(), true));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the OTLP JSON file " + file + " for appending", e);
    }
  }
}

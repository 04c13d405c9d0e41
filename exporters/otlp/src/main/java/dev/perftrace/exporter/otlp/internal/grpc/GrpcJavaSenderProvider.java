package dev.perftrace.exporter.otlp.internal.grpc;

import io.opentelemetry.sdk.common.export.GrpcSender;
import io.opentelemetry.sdk.common.export.GrpcSenderConfig;
import io.opentelemetry.sdk.common.export.GrpcSenderProvider;

/**
 * PerfTrace's implementation of OpenTelemetry's public gRPC sender SPI ({@code
 * opentelemetry-sdk-common} 1.59+): each sender owns a grpc-java {@code ManagedChannel}
 * (grpc-netty-shaded) built from the {@link GrpcSenderConfig} — endpoint, TLS and client
 * certificates from the config's {@code SSLContext}, connect timeout, compression, max response
 * size — and honours the config's {@code RetryPolicy}.
 *
 * <p>This class is internal and is not API; it is public only so that {@link
 * java.util.ServiceLoader} and OpenTelemetry's component loader can instantiate it. Thread safety:
 * stateless, safe for concurrent use.
 *
 * <p>Selection: OpenTelemetry's OTLP gRPC exporters use the only {@code GrpcSenderProvider} found
 * by their component loader. When several are on the class path, set the system property (or
 * environment variable {@code IO_OPENTELEMETRY_SDK_COMMON_EXPORT_GRPCSENDERPROVIDER}) {@code
 * io.opentelemetry.sdk.common.export.GrpcSenderProvider} to this class's name, or give the
 * exporter builder a {@code ComponentLoader} that yields only this provider; otherwise
 * OpenTelemetry takes whichever it finds first.
 */
public final class GrpcJavaSenderProvider implements GrpcSenderProvider {

  /** The class name to put into {@code io.opentelemetry.sdk.common.export.GrpcSenderProvider}. */
  public static final String CLASS_NAME =
      "dev.perftrace.exporter.otlp.internal.grpc.GrpcJavaSenderProvider";

  /** For {@link java.util.ServiceLoader}; there is no state. */
  public GrpcJavaSenderProvider() {}

  @Override
  public GrpcSender createSender(GrpcSenderConfig grpcSenderConfig) {
    return GrpcJavaSender.create(grpcSenderConfig);
  }
}

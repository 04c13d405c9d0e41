package dev.perftrace.exporter.otlp.internal;

import dev.perftrace.exporter.otlp.OtlpSettings;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Builds the grpc-java channel for OTLP/gRPC. OpenTelemetry's grpc-java sender only builds a
 * minimal channel by itself (no custom CA, no connect timeout), so PerfTrace builds the channel.
 *
 * <p>This class is internal and is not API. Thread safety: stateless.
 */
public final class GrpcChannels {

  private static final int DEFAULT_GRPC_PORT = 4317;

  private GrpcChannels() {}

  /** Returns a channel for {@code settings}; fails with {@link IllegalArgumentException}. */
  public static ManagedChannel create(OtlpSettings settings) {
    URI endpoint = settings.endpoint();
    int port = endpoint.getPort() == -1 ? DEFAULT_GRPC_PORT : endpoint.getPort();
    NettyChannelBuilder builder = NettyChannelBuilder.forAddress(endpoint.getHost(), port);
    if ("https".equalsIgnoreCase(endpoint.getScheme())) {
      Optional<byte[]> pem = settings.trustedCertificatesPem();
      if (pem.isPresent()) {
        try {
          SslContextBuilder ssl =
              GrpcSslContexts.forClient().trustManager(new ByteArrayInputStream(pem.get()));
          builder.sslContext(ssl.build());
        } catch (SSLException | IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "trusted certificates are not valid PEM X.509 certificates: " + e.getMessage(), e);
        }
      }
      builder.useTransportSecurity();
    } else {
      builder.usePlaintext();
    }
    long connectMillis = Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis());
    builder.withOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, connectMillis));
    builder.userAgent("perftrace-otlp");
    return builder.build();
  }
}

package dev.perftrace.exporter.otlp.internal.grpc;

import io.grpc.Codec;
import io.grpc.CompressorRegistry;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.handler.ssl.ApplicationProtocolConfig;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.grpc.netty.shaded.io.netty.handler.ssl.JdkSslContext;
import io.opentelemetry.sdk.common.export.Compressor;
import io.opentelemetry.sdk.common.export.GrpcSenderConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.URI;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * Builds the grpc-java channel of a {@link GrpcJavaSender} from a {@link GrpcSenderConfig}.
 *
 * <p>This class is internal and is not API. Thread safety: stateless.
 */
final class SenderChannels {

  /** OpenTelemetry's default max response body size (the SPI default since 1.61). */
  static final long DEFAULT_MAX_RESPONSE_BYTES = 4L * 1024 * 1024;

  static final String USER_AGENT = "perftrace-otlp";

  private SenderChannels() {}

  /**
   * Returns the port to connect to: the endpoint's port, else 443 for {@code https} and 80 for
   * {@code http}, as OpenTelemetry's OkHttp and JDK senders do (they resolve the endpoint as a URL).
   */
  static int port(URI endpoint) {
    if (endpoint.getPort() != -1) {
      return endpoint.getPort();
    }
    return "https".equalsIgnoreCase(endpoint.getScheme()) ? 443 : 80;
  }

  /**
   * Returns {@code GrpcSenderConfig.getMaxResponseBodySize()} where the running {@code
   * opentelemetry-sdk-common} has it (1.61+), else OpenTelemetry's default of 4 MiB. Looked up
   * reflectively so that the sender links against 1.59 too, where the method does not exist.
   */
  static long maxResponseBytes(GrpcSenderConfig config) {
    Method method;
    try {
      method = GrpcSenderConfig.class.getMethod("getMaxResponseBodySize");
    } catch (NoSuchMethodException e) {
      return DEFAULT_MAX_RESPONSE_BYTES;
    }
    try {
      Object value = method.invoke(config);
      return value instanceof Long && (Long) value > 0 ? (Long) value : DEFAULT_MAX_RESPONSE_BYTES;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return DEFAULT_MAX_RESPONSE_BYTES;
    }
  }

  /**
   * Returns the channel handed to the exporter with its public, deprecated {@code
   * setChannel(ManagedChannel)}, or null. OpenTelemetry passes it only through its internal
   * config type ({@code getMangedChannel()} up to 1.63, {@code getManagedChannel()} later), so it
   * is read reflectively, by name, from a public interface of the config — nothing links against
   * the internal type. Honouring it keeps exporters built with {@code setChannel} working whichever
   * sender OpenTelemetry picks; to be dropped when no PerfTrace code calls {@code setChannel}.
   */
  static ManagedChannel handedChannel(GrpcSenderConfig config) {
    java.util.List<Class<?>> interfaces = new java.util.ArrayList<>();
    for (Class<?> c = config.getClass(); c != null; c = c.getSuperclass()) {
      interfaces.addAll(java.util.Arrays.asList(c.getInterfaces()));
    }
    for (Class<?> type : interfaces) {
      if (!java.lang.reflect.Modifier.isPublic(type.getModifiers())
          || !GrpcSenderConfig.class.isAssignableFrom(type)
          || type == GrpcSenderConfig.class) {
        continue;
      }
      for (String name : new String[] {"getManagedChannel", "getMangedChannel"}) {
        try {
          Object channel = type.getMethod(name).invoke(config);
          if (channel instanceof ManagedChannel) {
            return (ManagedChannel) channel;
          }
        } catch (ReflectiveOperationException | RuntimeException e) {
          // not this version's name
        }
      }
    }
    return null;
  }

  /** Builds the channel; the caller owns and shuts it down. */
  static ManagedChannel create(GrpcSenderConfig config) {
    URI endpoint = config.getEndpoint();
    if (endpoint == null || endpoint.getHost() == null) {
      throw new IllegalArgumentException("endpoint must have a host: " + endpoint);
    }
    NettyChannelBuilder builder = NettyChannelBuilder.forAddress(endpoint.getHost(), port(endpoint));
    if ("https".equalsIgnoreCase(endpoint.getScheme())) {
      builder.useTransportSecurity();
      SSLContext sslContext = config.getSslContext();
      if (sslContext != null) {
        // The config's SSLContext carries the trust manager and, for mTLS, the key manager with
        // the client certificate. Netty wraps it as is; gRPC needs ALPN with h2.
        builder.sslContext(
            new JdkSslContext(
                sslContext,
                /* isClient= */ true,
                /* ciphers= */ null,
                IdentityCipherSuiteFilter.INSTANCE,
                new ApplicationProtocolConfig(
                    ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                    "h2"),
                ClientAuth.NONE,
                /* protocols= */ null,
                /* startTls= */ false));
      }
    } else {
      builder.usePlaintext();
    }
    Duration connectTimeout = config.getConnectTimeout();
    if (connectTimeout != null && connectTimeout.toMillis() > 0) {
      builder.withOption(
          ChannelOption.CONNECT_TIMEOUT_MILLIS,
          (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
    }
    builder.maxInboundMessageSize((int) Math.min(Integer.MAX_VALUE, maxResponseBytes(config)));
    builder.compressorRegistry(compressors(config.getCompressor()));
    builder.userAgent(USER_AGENT);
    // Retries are the sender's own (GrpcSenderConfig's RetryPolicy), not grpc-java's.
    builder.disableRetry();
    return builder.build();
  }

  /** A registry of this channel's own: the config's compressor is not registered globally. */
  private static CompressorRegistry compressors(Compressor compressor) {
    CompressorRegistry registry = CompressorRegistry.newEmptyInstance();
    registry.register(Codec.Identity.NONE);
    if (compressor != null) {
      registry.register(
          new io.grpc.Compressor() {
            @Override
            public String getMessageEncoding() {
              return compressor.getEncoding();
            }

            @Override
            public OutputStream compress(OutputStream os) throws IOException {
              return compressor.compress(os);
            }
          });
    }
    return registry;
  }
}

package dev.perftrace.exporter.otlp.internal.grpc;

import io.opentelemetry.sdk.common.export.Compressor;
import io.opentelemetry.sdk.common.export.GrpcSenderConfig;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;

/** A plain-text {@link GrpcSenderConfig} for driving the sender without an exporter. */
final class TestSenderConfig implements GrpcSenderConfig {
  private final URI endpoint;
  private final RetryPolicy retryPolicy;
  private final long maxResponseBodySize;
  private final ExecutorService executor; // null: callbacks on the gRPC thread

  TestSenderConfig(String endpoint, RetryPolicy retryPolicy, long maxResponseBodySize) {
    this(endpoint, retryPolicy, maxResponseBodySize, null);
  }

  TestSenderConfig(
      String endpoint, RetryPolicy retryPolicy, long maxResponseBodySize, ExecutorService executor) {
    this.endpoint = URI.create(endpoint);
    this.retryPolicy = retryPolicy;
    this.maxResponseBodySize = maxResponseBodySize;
    this.executor = executor;
  }

  @Override
  public URI getEndpoint() {
    return endpoint;
  }

  @Override
  public String getFullMethodName() {
    return "opentelemetry.proto.collector.trace.v1.TraceService/Export";
  }

  @Override
  public Compressor getCompressor() {
    return null;
  }

  @Override
  public Duration getTimeout() {
    return Duration.ofSeconds(5);
  }

  @Override
  public Duration getConnectTimeout() {
    return Duration.ofSeconds(2);
  }

  @Override
  public Supplier<Map<String, List<String>>> getHeadersSupplier() {
    return Map::of;
  }

  @Override
  public RetryPolicy getRetryPolicy() {
    return retryPolicy;
  }

  @Override
  public SSLContext getSslContext() {
    return null;
  }

  @Override
  public X509TrustManager getTrustManager() {
    return null;
  }

  @Override
  public ExecutorService getExecutorService() {
    return executor;
  }

  // No @Override: the method exists on GrpcSenderConfig from 1.61 only.
  public long getMaxResponseBodySize() {
    return maxResponseBodySize;
  }
}

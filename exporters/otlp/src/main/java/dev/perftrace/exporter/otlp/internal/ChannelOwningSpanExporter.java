package dev.perftrace.exporter.otlp.internal;

import io.grpc.ManagedChannel;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;

/**
 * An OTLP/gRPC span exporter that owns its grpc-java channel and shuts it down with itself.
 *
 * <p>This class is internal and is not API. Thread safety: as the delegate (thread-safe).
 */
public final class ChannelOwningSpanExporter implements SpanExporter {

  private final SpanExporter delegate;
  private final ManagedChannel channel;
  private final String description;

  public ChannelOwningSpanExporter(
      SpanExporter delegate, ManagedChannel channel, String description) {
    this.delegate = delegate;
    this.channel = channel;
    this.description = description;
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    return delegate.export(spans);
  }

  @Override
  public CompletableResultCode flush() {
    return delegate.flush();
  }

  @Override
  public CompletableResultCode shutdown() {
    CompletableResultCode result = delegate.shutdown();
    channel.shutdownNow();
    return result;
  }

  @Override
  public String toString() {
    return "OtlpGrpcSpanExporter{" + description + "}";
  }
}

package dev.perftrace.exporter.otlp.internal;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Appends each batch of spans to a {@link JsonLinesFile} as one OTLP-JSON line.
 *
 * <p>This class is internal and is not API. Thread safety: safe for concurrent use.
 */
public final class JsonLinesSpanExporter implements SpanExporter {

  private final JsonLinesFile file;
  private final AtomicBoolean shutdown = new AtomicBoolean();

  public JsonLinesSpanExporter(JsonLinesFile file) {
    this.file = file;
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    if (shutdown.get()) {
      return CompletableResultCode.ofFailure();
    }
    return file.export(() -> OtlpJson.traces(spans));
  }

  @Override
  public CompletableResultCode flush() {
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode shutdown() {
    shutdown.set(true);
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public String toString() {
    return "JsonLinesSpanExporter{" + file.path() + "}";
  }
}

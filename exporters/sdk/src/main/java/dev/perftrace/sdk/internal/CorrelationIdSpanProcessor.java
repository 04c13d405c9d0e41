package dev.perftrace.sdk.internal;

import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.util.regex.Pattern;

/**
 * Copies the {@code perftrace.correlation_id} baggage entry of the parent context onto every span
 * started in the application, so that spans from other instrumentation carry the correlation ID
 * too. Values that are not valid correlation IDs (at most 128 characters of {@code
 * [A-Za-z0-9._:-]}) are ignored; a span that already has the attribute keeps it.
 *
 * <p>This class is internal and is not API. Thread safety: stateless; safe for concurrent use.
 */
public final class CorrelationIdSpanProcessor implements SpanProcessor {

  /** The baggage key and span attribute name. */
  public static final String KEY = "perftrace.correlation_id";

  private static final AttributeKey<String> ATTRIBUTE = AttributeKey.stringKey(KEY);
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {
    String id = Baggage.fromContext(parentContext).getEntryValue(KEY);
    if (id != null && span.getAttribute(ATTRIBUTE) == null && VALID.matcher(id).matches()) {
      span.setAttribute(ATTRIBUTE, id);
    }
  }

  @Override
  public boolean isStartRequired() {
    return true;
  }

  @Override
  public void onEnd(ReadableSpan span) {}

  @Override
  public boolean isEndRequired() {
    return false;
  }

  @Override
  public String toString() {
    return "CorrelationIdSpanProcessor";
  }
}

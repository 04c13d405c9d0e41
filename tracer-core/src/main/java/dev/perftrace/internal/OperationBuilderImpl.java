package dev.perftrace.internal;

import dev.perftrace.Operation;
import dev.perftrace.OperationBuilder;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import java.util.ArrayList;
import java.util.List;

/**
 * The real {@link OperationBuilder}: keeps the settings and applies them to the span builder at
 * start. Internal: not API.
 *
 * <p>Thread safety: confined to one thread.
 */
final class OperationBuilderImpl implements OperationBuilder {
  private final DefaultPerfTracer owner;
  private final String operationName;
  private SpanKind spanKind;
  private AttributesBuilder attributes;
  private List<SpanContext> links;
  private Context parent;
  /** Declared metric attributes, key then value, applied to the operation once started. */
  private List<String> metricAttributes;

  OperationBuilderImpl(DefaultPerfTracer owner, String operationName) {
    this.owner = owner;
    this.operationName = operationName;
  }

  private boolean rejectNull(Object value, String what) {
    if (value == null) {
      owner.rejections.reject(Reason.ARGUMENT_NULL, "OperationBuilder." + what + " is null");
      return true;
    }
    return false;
  }

  @Override
  public OperationBuilder setSpanKind(SpanKind spanKind) {
    if (!rejectNull(spanKind, "setSpanKind")) {
      this.spanKind = spanKind;
    }
    return this;
  }

  @Override
  public OperationBuilder setAttribute(String key, String value) {
    if (!rejectNull(key, "setAttribute key") && !rejectNull(value, "setAttribute value")) {
      attributes().put(key, value);
    }
    return this;
  }

  @Override
  public OperationBuilder setAttribute(String key, long value) {
    if (!rejectNull(key, "setAttribute key")) {
      attributes().put(key, value);
    }
    return this;
  }

  @Override
  public OperationBuilder setMetricAttribute(String key, String value) {
    if (!rejectNull(key, "setMetricAttribute key")
        && !rejectNull(value, "setMetricAttribute value")) {
      if (metricAttributes == null) {
        metricAttributes = new ArrayList<>(4);
      }
      metricAttributes.add(key);
      metricAttributes.add(value);
    }
    return this;
  }

  /** Sets the declared metric attributes on the started operation (validated there). */
  void applyMetricAttributes(Operation operation) {
    if (metricAttributes != null) {
      for (int i = 0; i < metricAttributes.size(); i += 2) {
        operation.setMetricAttribute(metricAttributes.get(i), metricAttributes.get(i + 1));
      }
    }
  }

  private AttributesBuilder attributes() {
    if (attributes == null) {
      attributes = Attributes.builder();
    }
    return attributes;
  }

  @Override
  public OperationBuilder addLink(SpanContext spanContext) {
    if (!rejectNull(spanContext, "addLink") && spanContext.isValid()) {
      if (links == null) {
        links = new ArrayList<>(2);
      }
      links.add(spanContext);
    }
    return this;
  }

  @Override
  public OperationBuilder setParent(Context parent) {
    if (!rejectNull(parent, "setParent")) {
      this.parent = parent;
    }
    return this;
  }

  /** The explicit parent, or null for the current context. */
  Context parent() {
    return parent;
  }

  /** Applies kind, attributes and links to {@code builder}. */
  void applyTo(SpanBuilder builder) {
    if (spanKind != null) {
      builder.setSpanKind(spanKind);
    }
    if (attributes != null) {
      builder.setAllAttributes(attributes.build());
    }
    if (links != null) {
      for (SpanContext link : links) {
        builder.addLink(link);
      }
    }
  }

  @Override
  public Operation start() {
    return owner.start(operationName, this, true);
  }

  @Override
  public Operation startDetached() {
    return owner.start(operationName, this, false);
  }
}

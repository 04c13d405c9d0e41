package dev.perftrace.exporter.otlp.internal;

import dev.perftrace.exporter.otlp.DropReason;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleCounterBuilder;
import io.opentelemetry.api.metrics.DoubleGaugeBuilder;
import io.opentelemetry.api.metrics.DoubleHistogramBuilder;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongCounterBuilder;
import io.opentelemetry.api.metrics.LongUpDownCounterBuilder;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterBuilder;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.metrics.ObservableLongCounter;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import io.opentelemetry.context.Context;
import java.util.function.Consumer;

/**
 * The meter provider handed to a {@code BatchSpanProcessor}: the 1.63 SDK reports spans it drops
 * because its queue is full only through its own internal metrics ({@code processedSpans} with
 * {@code dropped=true}, or {@code otel.sdk.processor.span.processed} with {@code
 * error.type=queue_full}); this provider turns those adds into {@code queue_full} drops of the
 * guard. Every other instrument is a no-op.
 *
 * <p>This class is internal and is not API. Thread safety: safe for concurrent use.
 */
public final class QueueDropMeterProvider implements MeterProvider {

  private static final AttributeKey<Boolean> LEGACY_DROPPED = AttributeKey.booleanKey("dropped");
  private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  private static final String LEGACY_COUNTER = "processedSpans";
  private static final String SEMCONV_COUNTER = "otel.sdk.processor.span.processed";

  private final GuardCore core;
  private final Meter noop = MeterProvider.noop().get("noop");

  public QueueDropMeterProvider(GuardCore core) {
    this.core = core;
  }

  @Override
  public MeterBuilder meterBuilder(String instrumentationScopeName) {
    return new MeterBuilder() {
      @Override
      public MeterBuilder setSchemaUrl(String schemaUrl) {
        return this;
      }

      @Override
      public MeterBuilder setInstrumentationVersion(String instrumentationScopeVersion) {
        return this;
      }

      @Override
      public Meter build() {
        return new DropMeter();
      }
    };
  }

  private final class DropMeter implements Meter {
    @Override
    public LongCounterBuilder counterBuilder(String name) {
      if (LEGACY_COUNTER.equals(name) || SEMCONV_COUNTER.equals(name)) {
        return new DropCounterBuilder(noop.counterBuilder(name));
      }
      return noop.counterBuilder(name);
    }

    @Override
    public LongUpDownCounterBuilder upDownCounterBuilder(String name) {
      return noop.upDownCounterBuilder(name);
    }

    @Override
    public DoubleHistogramBuilder histogramBuilder(String name) {
      return noop.histogramBuilder(name);
    }

    @Override
    public DoubleGaugeBuilder gaugeBuilder(String name) {
      return noop.gaugeBuilder(name);
    }
  }

  private final class DropCounterBuilder implements LongCounterBuilder {
    private final LongCounterBuilder noopBuilder;

    DropCounterBuilder(LongCounterBuilder noopBuilder) {
      this.noopBuilder = noopBuilder;
    }

    @Override
    public LongCounterBuilder setDescription(String description) {
      return this;
    }

    @Override
    public LongCounterBuilder setUnit(String unit) {
      return this;
    }

    @Override
    public DoubleCounterBuilder ofDoubles() {
      return noopBuilder.ofDoubles();
    }

    @Override
    public LongCounter build() {
      return new DropCounter();
    }

    @Override
    public ObservableLongCounter buildWithCallback(Consumer<ObservableLongMeasurement> callback) {
      return noopBuilder.buildWithCallback(callback);
    }
  }

  private final class DropCounter implements LongCounter {
    @Override
    public void add(long value) {}

    @Override
    public void add(long value, Attributes attributes) {
      if (Boolean.TRUE.equals(attributes.get(LEGACY_DROPPED))
          || "queue_full".equals(attributes.get(ERROR_TYPE))) {
        core.drop(DropReason.QUEUE_FULL, value);
      }
    }

    @Override
    public void add(long value, Attributes attributes, Context context) {
      add(value, attributes);
    }
  }
}

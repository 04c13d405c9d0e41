package dev.perftrace.exporter.otlp.internal;

import dev.perftrace.exporter.otlp.DropReason;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import java.util.ArrayList;
import java.util.List;

/**
 * Registers the exporter self-metrics of {@code docs/telemetry.md} as observable instruments,
 * read at collection time.
 *
 * <p>This class is internal and is not API. Thread safety: safe for concurrent use.
 */
public final class SelfMetrics implements AutoCloseable {

  static final AttributeKey<String> SIGNAL = AttributeKey.stringKey("perftrace.exporter.signal");
  static final AttributeKey<String> REASON = AttributeKey.stringKey("perftrace.reason");

  private final List<AutoCloseable> instruments = new ArrayList<>();

  public SelfMetrics(Meter meter, List<GuardCore> cores) {
    List<GuardCore> all = List.copyOf(cores);
    instruments.add(
        meter
            .gaugeBuilder("perftrace.exporter.state")
            .setDescription("Exporter health: 2 up, 1 degraded, 0 down")
            .setUnit("{state}")
            .ofLongs()
            .buildWithCallback(
                m -> {
                  for (GuardCore core : all) {
                    m.record(healthValue(core), signal(core));
                  }
                }));
    instruments.add(
        meter
            .gaugeBuilder("perftrace.exporter.circuit.state")
            .setDescription("Exporter circuit breaker: 0 closed, 1 half-open, 2 open")
            .setUnit("{state}")
            .ofLongs()
            .buildWithCallback(
                m -> {
                  for (GuardCore core : all) {
                    m.record(core.circuit().gaugeValue(), signal(core));
                  }
                }));
    instruments.add(
        meter
            .counterBuilder("perftrace.exporter.exported")
            .setDescription("Items exported successfully")
            .setUnit("{item}")
            .buildWithCallback(
                m -> {
                  for (GuardCore core : all) {
                    m.record(core.exported(), signal(core));
                  }
                }));
    instruments.add(
        meter
            .counterBuilder("perftrace.exporter.dropped")
            .setDescription("Items dropped, by reason")
            .setUnit("{item}")
            .buildWithCallback(
                m -> {
                  for (GuardCore core : all) {
                    for (DropReason reason : DropReason.values()) {
                      m.record(
                          core.dropped(reason),
                          Attributes.of(
                              SIGNAL,
                              core.signal().attributeValue(),
                              REASON,
                              reason.attributeValue()));
                    }
                  }
                }));
    instruments.add(
        meter
            .counterBuilder("perftrace.exporter.failures")
            .setDescription("Failed exports")
            .setUnit("{export}")
            .buildWithCallback(
                m -> {
                  for (GuardCore core : all) {
                    m.record(core.failures(), signal(core));
                  }
                }));
  }

  /** Returns the {@code perftrace.exporter.state} value for {@code core}. */
  public static int healthValue(GuardCore core) {
    return Health.of(core).gaugeValue();
  }

  private static Attributes signal(GuardCore core) {
    return Attributes.of(SIGNAL, core.signal().attributeValue());
  }

  @Override
  public void close() {
    for (AutoCloseable instrument : instruments) {
      try {
        instrument.close();
      } catch (Exception e) {
        // observable instruments do not fail on close
      }
    }
  }
}

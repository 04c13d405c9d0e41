package dev.perftrace.internal;

import dev.perftrace.Direction;
import dev.perftrace.PerfAttributes;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;

/**
 * An interned transfer source of one scope, with precomputed attributes and the {@code
 * perftrace.transfer.io} series per direction. Internal: not API.
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class SourceDescriptor {
  final String name;
  private final Series in;
  private final Series out;

  SourceDescriptor(String name) {
    this.name = name;
    this.in = new Series(attributes(Direction.IN, name));
    this.out = new Series(attributes(Direction.OUT, name));
  }

  private static Attributes attributes(Direction direction, String name) {
    return Attributes.of(
        PerfAttributes.NETWORK_IO_DIRECTION,
        direction.attributeValue(),
        PerfAttributes.TRANSFER_SOURCE,
        name);
  }

  Attributes attributes(Direction direction) {
    return series(direction).attributes;
  }

  Series series(Direction direction) {
    return direction == Direction.IN ? in : out;
  }

  void observe(ObservableLongMeasurement measurement) {
    in.observe(measurement);
    out.observe(measurement);
  }
}

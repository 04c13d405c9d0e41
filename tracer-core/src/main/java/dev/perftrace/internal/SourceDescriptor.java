package dev.perftrace.internal;

import dev.perftrace.Direction;
import dev.perftrace.PerfAttributes;
import io.opentelemetry.api.common.Attributes;

/**
 * An interned transfer source with precomputed attributes per direction. Internal: not API.
 *
 * <p>Thread safety: immutable.
 */
final class SourceDescriptor {
  final String name;
  private final Attributes in;
  private final Attributes out;

  SourceDescriptor(String name) {
    this.name = name;
    this.in = attributes(Direction.IN, name);
    this.out = attributes(Direction.OUT, name);
  }

  private static Attributes attributes(Direction direction, String name) {
    return Attributes.of(
        PerfAttributes.NETWORK_IO_DIRECTION,
        direction.attributeValue(),
        PerfAttributes.TRANSFER_SOURCE,
        name);
  }

  Attributes attributes(Direction direction) {
    return direction == Direction.IN ? in : out;
  }
}

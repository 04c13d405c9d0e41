package dev.perftrace;

/**
 * Direction of a transfer, recorded as the {@code network.io.direction} attribute.
 *
 * <p>Thread safety: enum constants are immutable.
 */
public enum Direction {
  /** Bytes received by this process ({@code network.io.direction=receive}). */
  IN("receive"),
  /** Bytes sent by this process ({@code network.io.direction=transmit}). */
  OUT("transmit");

  private final String attributeValue;

  Direction(String attributeValue) {
    this.attributeValue = attributeValue;
  }

  /** Returns the {@code network.io.direction} attribute value. */
  public String attributeValue() {
    return attributeValue;
  }
}

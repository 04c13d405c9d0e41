package dev.perftrace.report.internal;

import java.util.List;
import java.util.Map;

/**
 * A parsed Prometheus text (0.0.4) or OpenMetrics exposition: its samples in order, and the
 * declared metric family types.
 *
 * <p>Thread safety: immutable.
 */
public record Exposition(List<Sample> samples, Map<String, String> types) {

  public Exposition {
    samples = List.copyOf(samples);
    types = Map.copyOf(types);
  }
}

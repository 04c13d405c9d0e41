package dev.perftrace.report.internal;

import java.util.List;
import java.util.Map;

/**
 * A parsed exposition (Prometheus text 0.0.4, OpenMetrics or the protobuf format): its samples in
 * order, the declared metric family types, and the native histograms (protobuf only).
 *
 * <p>Thread safety: immutable.
 */
public record Exposition(
    List<Sample> samples, Map<String, String> types, List<NativeHistogram> nativeHistograms) {

  public Exposition {
    samples = List.copyOf(samples);
    types = Map.copyOf(types);
    nativeHistograms = List.copyOf(nativeHistograms);
  }

  /** A text exposition: no native histograms. */
  public Exposition(List<Sample> samples, Map<String, String> types) {
    this(samples, types, List.of());
  }
}

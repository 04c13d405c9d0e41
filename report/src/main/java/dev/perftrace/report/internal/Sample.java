package dev.perftrace.report.internal;

import java.util.Map;

/**
 * One sample of an exposition: series name, labels (sorted by name) and value.
 *
 * <p>Thread safety: immutable.
 */
public record Sample(String name, Map<String, String> labels, double value) {

  public Sample {
    labels = Map.copyOf(labels);
  }

  /** Returns the value of label {@code name}, or {@code ""} when the sample lacks it. */
  public String label(String name) {
    return labels.getOrDefault(name, "");
  }
}

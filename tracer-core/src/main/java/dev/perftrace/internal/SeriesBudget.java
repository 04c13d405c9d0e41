package dev.perftrace.internal;

import io.opentelemetry.api.common.Attributes;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the distinct attribute sets of one instrument of one scope: the first {@code max}
 * attribute sets are admitted, later new ones fold into a fold set given by the caller (which
 * the budget always admits, outside the count). Internal: not API.
 *
 * <p>Steady state: an admitted set costs one {@link ConcurrentHashMap#get}.
 *
 * <p>Thread safety: safe for concurrent use; the bound is exact.
 */
final class SeriesBudget {
  private final ConcurrentHashMap<Attributes, Attributes> admitted = new ConcurrentHashMap<>();
  private final AtomicInteger size = new AtomicInteger();
  private final int max;
  private final String instrument;
  private final Rejections rejections;

  SeriesBudget(int max, String instrument, Rejections rejections) {
    this.max = max;
    this.instrument = instrument;
    this.rejections = rejections;
  }

  /**
   * Returns the admitted instance equal to {@code attributes}, admitting it when there is room;
   * otherwise counts {@code cardinality_overflow} and returns {@code fold}. A fold set itself is
   * returned as it is.
   */
  Attributes admit(Attributes attributes, Attributes fold) {
    if (attributes.equals(fold)) {
      return fold;
    }
    Attributes known = tryAdmit(attributes);
    if (known != null) {
      return known;
    }
    folded(attributes);
    return fold;
  }

  /** Returns the admitted instance equal to {@code attributes}, or null when the budget is full. */
  Attributes tryAdmit(Attributes attributes) {
    Attributes known = admitted.get(attributes);
    if (known != null) {
      return known;
    }
    return admitted.computeIfAbsent(
        attributes,
        a -> {
          if (size.incrementAndGet() > max) {
            size.decrementAndGet();
            return null;
          }
          return a;
        });
  }

  /** Counts one record folded because the budget is full. */
  void folded(Attributes attributes) {
    rejections.reject(
        Reason.CARDINALITY_OVERFLOW,
        instrument
            + " already has "
            + max
            + " attribute sets; "
            + attributes
            + " folds into the overflow set");
  }

  int size() {
    return size.get();
  }
}

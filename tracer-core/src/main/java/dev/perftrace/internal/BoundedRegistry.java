package dev.perftrace.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Interns sanitized names to descriptors, holding at most {@code max} of them; further names
 * resolve to the overflow descriptor. Internal: not API.
 *
 * <p>Steady state: a clean, known name costs one {@link ConcurrentHashMap#get}; nothing is
 * allocated.
 *
 * <p>Thread safety: safe for concurrent use; the bound is exact.
 */
final class BoundedRegistry<D> {
  private final ConcurrentHashMap<String, D> byName = new ConcurrentHashMap<>();
  private final AtomicInteger size = new AtomicInteger();
  private final int max;
  private final Function<String, D> factory;
  private final D overflow;
  private final Names names;
  private final Rejections rejections;
  private final String what;

  BoundedRegistry(
      int max,
      Function<String, D> factory,
      Names names,
      Rejections rejections,
      String what) {
    this.max = max;
    this.factory = factory;
    this.overflow = factory.apply(dev.perftrace.PerfAttributes.OVERFLOW_VALUE);
    this.names = names;
    this.rejections = rejections;
    this.what = what;
  }

  /** Returns the descriptor for {@code raw}, the overflow descriptor, or null if blank. */
  D resolve(String raw) {
    if (raw != null) {
      D known = byName.get(raw);
      if (known != null) {
        return known;
      }
    }
    return resolveSlow(raw);
  }

  private D resolveSlow(String raw) {
    String name = names.sanitize(raw, what);
    if (name == null) {
      return null;
    }
    D known = byName.get(name);
    if (known != null) {
      return known;
    }
    D added =
        byName.computeIfAbsent(
            name,
            n -> {
              if (size.incrementAndGet() > max) {
                size.decrementAndGet();
                return null;
              }
              return factory.apply(n);
            });
    if (added == null) {
      rejections.reject(
          Reason.CARDINALITY_OVERFLOW,
          what + " '" + name + "' exceeds the bound of " + max + " distinct values");
      return overflow;
    }
    return added;
  }

  /** Returns the descriptor interned under exactly {@code raw}, or null; counts nothing. */
  D lookup(String raw) {
    return raw == null ? null : byName.get(raw);
  }

  /** Returns the overflow descriptor. */
  D overflow() {
    return overflow;
  }

  /** Runs {@code action} on every interned descriptor, the overflow descriptor last. */
  void forEach(java.util.function.Consumer<? super D> action) {
    byName.values().forEach(action);
    action.accept(overflow);
  }

  /** Returns the number of interned names. */
  int size() {
    return byName.size();
  }
}

package dev.perftrace.internal;

import dev.perftrace.PerfAttributes;
import io.opentelemetry.api.common.Attributes;
import java.util.List;

/**
 * A cache name (bounded) with its declared tiers and the precomputed attributes of every tier and
 * result. Internal: not API.
 *
 * <p>Thread safety: immutable.
 */
final class CacheDescriptor {
  static final String NONE = "none";

  final String name;
  final List<String> tiers;

  /** {@link #tiers} as an array, so the per-record tier lookup makes no interface calls. */
  private final String[] tierArray;
  final Attributes[] hit;
  final Attributes[] miss;
  final Attributes[] servedBy;
  final Attributes servedByNone;

  CacheDescriptor(String name, List<String> tiers) {
    this.name = name;
    this.tiers = tiers;
    this.tierArray = tiers.toArray(new String[0]);
    int n = tiers.size();
    hit = new Attributes[n];
    miss = new Attributes[n];
    servedBy = new Attributes[n];
    for (int i = 0; i < n; i++) {
      hit[i] = request(name, tiers.get(i), "hit");
      miss[i] = request(name, tiers.get(i), "miss");
      servedBy[i] =
          Attributes.of(
              PerfAttributes.CACHE_NAME, name, PerfAttributes.CACHE_SERVED_BY, tiers.get(i));
    }
    servedByNone =
        Attributes.of(PerfAttributes.CACHE_NAME, name, PerfAttributes.CACHE_SERVED_BY, NONE);
  }

  private static Attributes request(String name, String tier, String result) {
    return Attributes.of(
        PerfAttributes.CACHE_NAME,
        name,
        PerfAttributes.CACHE_TIER,
        tier,
        PerfAttributes.CACHE_RESULT,
        result);
  }

  /** Returns the index of {@code tier}, or -1. */
  int indexOf(String tier) {
    String[] names = tierArray;
    for (int i = 0; i < names.length; i++) {
      String name = names[i];
      if (name == tier || name.equals(tier)) { // callers usually pass the same constant
        return i;
      }
    }
    return -1;
  }
}

package dev.perftrace.internal;

import dev.perftrace.PerfAttributes;
import io.opentelemetry.api.common.Attributes;
import java.util.List;

/**
 * A cache name (bounded) with its declared tiers, the precomputed attributes of every tier and
 * result (tier names bounded per scope, so extra tiers fold into {@code _overflow}) and the
 * scope's counter series they map to. Internal: not API.
 *
 * <p>Thread safety: immutable.
 */
final class CacheDescriptor {
  static final String NONE = "none";

  final String name;
  /** The declared tiers, sanitized (what {@code TieredCache.tiers()} returns). */
  final List<String> tiers;

  /** {@link #tiers} as an array, so the per-record tier lookup makes no interface calls. */
  private final String[] tierArray;
  final Attributes[] hit;
  final Attributes[] miss;
  final Series[] hitRequests;
  final Series[] missRequests;
  final Series[] servedBy;
  final Series servedByNone;

  /**
   * {@code metricTiers} are the bounded names of {@code tiers} (same order), used as attribute
   * values.
   */
  CacheDescriptor(
      ScopeTelemetry scope, String name, List<String> tiers, List<String> metricTiers) {
    this.name = name;
    this.tiers = tiers;
    this.tierArray = tiers.toArray(new String[0]);
    int n = tiers.size();
    hit = new Attributes[n];
    miss = new Attributes[n];
    hitRequests = new Series[n];
    missRequests = new Series[n];
    servedBy = new Series[n];
    for (int i = 0; i < n; i++) {
      String tier = metricTiers.get(i);
      hit[i] = request(name, tier, "hit");
      miss[i] = request(name, tier, "miss");
      hitRequests[i] = scope.cacheRequests(hit[i]);
      missRequests[i] = scope.cacheRequests(miss[i]);
      servedBy[i] =
          scope.cacheLookups(
              Attributes.of(PerfAttributes.CACHE_NAME, name, PerfAttributes.CACHE_SERVED_BY, tier));
    }
    servedByNone =
        scope.cacheLookups(
            Attributes.of(PerfAttributes.CACHE_NAME, name, PerfAttributes.CACHE_SERVED_BY, NONE));
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

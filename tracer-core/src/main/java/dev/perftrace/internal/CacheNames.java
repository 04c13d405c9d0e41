package dev.perftrace.internal;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A validated cache name with its ordered tiers. Internal: not API.
 *
 * @param name the cache name as given (sanitizing and bounding happen in the tracer)
 * @param tiers tier names, nearest first, distinct
 */
public record CacheNames(String name, List<String> tiers) {

  /** Validates cache configuration, throwing with a message naming the bad parameter. */
  public static CacheNames validate(String cacheName, String... tiers) {
    if (cacheName == null || cacheName.isBlank()) {
      throw new IllegalArgumentException("cacheName must not be null or blank");
    }
    if (tiers == null || tiers.length == 0) {
      throw new IllegalArgumentException("tiers must name at least one tier for cache " + cacheName);
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < tiers.length; i++) {
      String tier = tiers[i];
      if (tier == null || tier.isBlank()) {
        throw new IllegalArgumentException("tiers[" + i + "] must not be null or blank");
      }
      if (!seen.add(tier)) {
        throw new IllegalArgumentException("tiers[" + i + "] repeats tier '" + tier + "'");
      }
    }
    return new CacheNames(cacheName, List.of(tiers));
  }
}

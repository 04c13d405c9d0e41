package dev.perftrace;

import java.time.Duration;
import java.util.List;

/**
 * A named cache with ordered tiers, for recording hits, misses, which tier served a lookup and
 * per-tier lookup latency.
 *
 * <p>Thread safety: safe for concurrent use; keep one in a field and share it.
 */
public interface TieredCache {

  /** Returns the cache name as recorded (after sanitizing and the cardinality bound). */
  String name();

  /** Returns the tiers, nearest first. */
  List<String> tiers();

  /** Records a hit of {@code tier}. Unknown tiers are dropped and counted. */
  void recordHit(String tier);

  /** Records a miss of {@code tier}. Unknown tiers are dropped and counted. */
  void recordMiss(String tier);

  /**
   * Records a whole lookup served by {@code servingTier}: every tier above it misses and it hits.
   * {@code null} means no tier had the entry: every tier misses and the lookup is counted as
   * served by {@code none}.
   */
  void recordLookup(String servingTier);

  /** Records the latency of one tier's lookup with its result. */
  void recordTierLatency(String tier, boolean hit, Duration latency);

  /**
   * Starts a timed lookup: each {@link CacheLookup#hit} or {@link CacheLookup#miss} records that
   * tier's result and latency since the previous step; {@link CacheLookup#close()} records which
   * tier served the lookup.
   */
  CacheLookup startLookup();
}

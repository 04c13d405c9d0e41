package dev.perftrace.internal;

import dev.perftrace.CacheLookup;
import dev.perftrace.TieredCache;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.List;

/**
 * A tiered cache handle. Internal: not API.
 *
 * <p>Thread safety: immutable; safe for concurrent use.
 */
final class TieredCacheImpl implements TieredCache {
  private final DefaultPerfTracer owner;
  private final CacheDescriptor descriptor;

  TieredCacheImpl(DefaultPerfTracer owner, CacheDescriptor descriptor) {
    this.owner = owner;
    this.descriptor = descriptor;
  }

  CacheDescriptor descriptor() {
    return descriptor;
  }

  @Override
  public String name() {
    return descriptor.name;
  }

  @Override
  public List<String> tiers() {
    return descriptor.tiers;
  }

  @Override
  public void recordHit(String tier) {
    int index = index(tier);
    if (index >= 0) {
      request(index, true, Context.current());
    }
  }

  @Override
  public void recordMiss(String tier) {
    int index = index(tier);
    if (index >= 0) {
      request(index, false, Context.current());
    }
  }

  @Override
  public void recordLookup(String servingTier) {
    Context context = Context.current();
    if (servingTier == null) {
      for (int i = 0; i < descriptor.tiers.size(); i++) {
        request(i, false, context);
      }
      descriptor.servedByNone.add(1);
      return;
    }
    int index = index(servingTier);
    if (index < 0) {
      return;
    }
    for (int i = 0; i < index; i++) {
      request(i, false, context);
    }
    request(index, true, context);
    descriptor.servedBy[index].add(1);
  }

  @Override
  public void recordTierLatency(String tier, boolean hit, Duration latency) {
    int index = index(tier);
    if (index < 0) {
      return;
    }
    if (latency == null || latency.isNegative()) {
      owner.rejections.reject(
          Reason.DURATION_INVALID, "recordTierLatency latency " + latency + " is null or negative");
      return;
    }
    latency(index, hit, DefaultPerfTracer.seconds(latency), Context.current());
  }

  @Override
  public CacheLookup startLookup() {
    return new Lookup(Context.current(), owner.ticker.read());
  }

  /** Returns the tier's index, or -1 after counting the rejection. */
  int index(String tier) {
    int index = descriptor.indexOf(tier);
    if (index < 0 && tier != null && !tier.isBlank()) {
      // slow path: sanitized the same way as at declaration (" disk " is "disk")
      String clean = owner.sanitizeTier(tier);
      index = clean == null ? -1 : descriptor.indexOf(clean);
    }
    if (index < 0) {
      if (tier == null || tier.isBlank()) {
        owner.rejections.reject(Reason.NAME_BLANK, "tier of cache '" + descriptor.name + "'");
      } else {
        owner.rejections.reject(
            Reason.TIER_UNKNOWN,
            "tier '" + tier + "' is not declared for cache '" + descriptor.name + "'");
      }
    }
    return index;
  }

  void request(int index, boolean hit, Context context) {
    (hit ? descriptor.hitRequests[index] : descriptor.missRequests[index]).add(1);
    OperationImpl operation = OperationImpl.current(context);
    if (operation != null) {
      operation.addCache(hit);
    }
  }

  void latency(int index, boolean hit, double seconds, Context context) {
    owner.instruments.cacheTierDuration.record(
        seconds, hit ? descriptor.hit[index] : descriptor.miss[index], context);
  }

  /** A timed lookup. Not thread-safe, as the API says. */
  private final class Lookup implements CacheLookup {
    private final Context context;
    private long last;
    private int servedBy = -1;
    private boolean closed;

    Lookup(Context context, long start) {
      this.context = context;
      this.last = start;
    }

    @Override
    public void hit(String tier) {
      step(tier, true);
    }

    @Override
    public void miss(String tier) {
      step(tier, false);
    }

    private void step(String tier, boolean hit) {
      if (closed) {
        return;
      }
      int index = index(tier);
      if (index < 0) {
        return;
      }
      long now = owner.ticker.read();
      long elapsed = Math.max(0, now - last);
      last = now;
      request(index, hit, context);
      latency(index, hit, elapsed / 1e9, context);
      if (hit && servedBy < 0) {
        servedBy = index;
      }
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      try {
        (servedBy < 0 ? descriptor.servedByNone : descriptor.servedBy[servedBy]).add(1);
      } catch (RuntimeException e) {
        owner.rejections.internalError(e);
      }
    }
  }
}

package dev.perftrace;

/**
 * One lookup through a {@link TieredCache}'s tiers, timed per tier.
 *
 * <p>Thread safety: not thread-safe; use from the thread doing the lookup. Closing twice is a
 * no-op.
 */
public interface CacheLookup extends AutoCloseable {

  /** Records that {@code tier} had the entry; the lookup is served by the first tier that hits. */
  void hit(String tier);

  /** Records that {@code tier} did not have the entry. */
  void miss(String tier);

  /** Records which tier served the lookup ({@code none} when no tier hit). Never throws. */
  @Override
  void close();
}

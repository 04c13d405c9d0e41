package dev.perftrace.demo.internal;

import java.util.Arrays;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * The demo's content catalogue: {@code item-0000} to {@code item-NNNN} with deterministic sizes,
 * and a Zipf-like popularity so that a few keys are hot (memory hits), many are warm (disk hits
 * after eviction from memory) and a long tail is cold (fetched from a remote peer). Internal.
 *
 * <p>Thread safety: immutable; {@link #sampleIndex} takes the caller's random source.
 */
public final class Catalogue {

  private final int[] sizes;
  private final double[] cumulative;

  /** Builds a catalogue of {@code count} keys whose popularity follows Zipf with exponent {@code s}. */
  public Catalogue(int count, double s, long seed) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1, was " + count);
    }
    SplittableRandom random = new SplittableRandom(seed);
    sizes = new int[count];
    for (int i = 0; i < count; i++) {
      int roll = random.nextInt(100);
      if (roll < 80) {
        sizes[i] = 1024 + random.nextInt(15 * 1024); // 1-16 KiB: documents, thumbnails
      } else if (roll < 98) {
        sizes[i] = 16 * 1024 + random.nextInt(112 * 1024); // 16-128 KiB: images
      } else {
        sizes[i] = 256 * 1024 + random.nextInt(768 * 1024); // 256 KiB-1 MiB: media
      }
    }
    cumulative = new double[count];
    double total = 0;
    for (int i = 0; i < count; i++) {
      total += 1.0 / Math.pow(i + 1, s);
      cumulative[i] = total;
    }
    for (int i = 0; i < count; i++) {
      cumulative[i] /= total;
    }
  }

  /** Returns the number of keys. */
  public int size() {
    return sizes.length;
  }

  /** Returns the key at {@code index}. */
  public static String key(int index) {
    return String.format("item-%04d", index);
  }

  /** Returns the content size of the key at {@code index}. */
  public int sizeOf(int index) {
    return sizes[index];
  }

  /** Returns deterministic content for the key at {@code index}. */
  public byte[] content(int index) {
    byte[] bytes = new byte[sizes[index]];
    new Random(index * 7919L + 17).nextBytes(bytes);
    return bytes;
  }

  /** Returns a key index drawn with Zipf popularity (index 0 is the most popular). */
  public int sampleIndex(SplittableRandom random) {
    int i = Arrays.binarySearch(cumulative, random.nextDouble());
    int index = i >= 0 ? i : -i - 1;
    return Math.min(index, sizes.length - 1);
  }
}

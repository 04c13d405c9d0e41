package dev.perftrace.internal;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Validates and generates correlation IDs. Internal: not API.
 *
 * <p>Thread safety: stateless.
 */
final class CorrelationIds {
  static final int MAX_LENGTH = 128;
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  /** Bit {@code c} set for each allowed character {@code c} below 64: {@code [0-9.:-]}. */
  private static final long ALLOWED_LOW = mask(0, 64);

  /** Bit {@code c - 64} set for each allowed character from 64 to 127: {@code [A-Za-z_]}. */
  private static final long ALLOWED_HIGH = mask(64, 128);

  private static long mask(int from, int to) {
    long bits = 0;
    for (int c = from; c < to; c++) {
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '.'
          || c == '_'
          || c == ':'
          || c == '-') {
        bits |= 1L << (c - from);
      }
    }
    return bits;
  }

  private CorrelationIds() {}

  /** True for 1 to 128 characters from {@code [A-Za-z0-9._:-]}. */
  static boolean isValid(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      // one shift and test per character (a 128-bit set) instead of up to seven comparisons
      long bits = c < 64 ? ALLOWED_LOW : c < 128 ? ALLOWED_HIGH : 0L;
      if ((bits & (1L << c)) == 0) { // shifts use the low six bits of c
        return false;
      }
    }
    return true;
  }

  /** Returns a new random ID: 32 lowercase hex digits (128 random bits). */
  static String generate() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    char[] chars = new char[32];
    long high = random.nextLong();
    long low = random.nextLong();
    for (int i = 0; i < 16; i++) {
      chars[i] = HEX[(int) (high >>> (60 - 4 * i)) & 0xf];
      chars[16 + i] = HEX[(int) (low >>> (60 - 4 * i)) & 0xf];
    }
    return new String(chars);
  }
}

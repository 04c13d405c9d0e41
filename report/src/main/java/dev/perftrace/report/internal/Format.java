package dev.perftrace.report.internal;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * Number formatting shared by the text and Markdown renderers and the recommendation messages;
 * locale-independent. NaN prints as {@code n/a}.
 *
 * <p>Thread safety: stateless.
 */
public final class Format {

  private static final String NA = "n/a";
  private static final String[] BYTE_UNITS = {"KiB", "MiB", "GiB", "TiB", "PiB"};

  private Format() {}

  /** A count: whole numbers without decimals, others with one. */
  public static String count(double v) {
    if (!Double.isFinite(v)) {
      return NA;
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return String.format(Locale.ROOT, "%.1f", v);
  }

  /** A per-second rate. */
  public static String rate(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f/s", v) : NA;
  }

  /** A duration given in seconds, in s, ms or us. */
  public static String duration(double seconds) {
    if (!Double.isFinite(seconds)) {
      return NA;
    }
    double abs = Math.abs(seconds);
    if (abs >= 1) {
      return String.format(Locale.ROOT, "%.3f s", seconds);
    }
    if (abs >= 0.001) {
      return String.format(Locale.ROOT, "%.3f ms", seconds * 1e3);
    }
    return String.format(Locale.ROOT, "%.1f us", seconds * 1e6);
  }

  /** A ratio as a percentage with one decimal. */
  public static String percent(double ratio) {
    return Double.isFinite(ratio) ? String.format(Locale.ROOT, "%.1f %%", ratio * 100) : NA;
  }

  /** A threshold ratio as a percentage without trailing zeros ({@code 0.05} is {@code 5 %}). */
  public static String percentThreshold(double ratio) {
    return plain(BigDecimal.valueOf(ratio).movePointRight(2).doubleValue()) + " %";
  }

  /** A number without trailing zeros ({@code 0.5}, {@code 1}). */
  public static String plain(double v) {
    return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }

  /** A byte count in B, KiB, MiB, ... */
  public static String bytes(double v) {
    if (!Double.isFinite(v)) {
      return NA;
    }
    if (Math.abs(v) < 1024) {
      return String.format(Locale.ROOT, "%.0f B", v);
    }
    double scaled = v;
    int unit = -1;
    while (Math.abs(scaled) >= 1024 && unit < BYTE_UNITS.length - 1) {
      scaled /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", scaled, BYTE_UNITS[unit]);
  }

  /** A byte rate. */
  public static String byteRate(double v) {
    return Double.isFinite(v) ? bytes(v) + "/s" : NA;
  }
}

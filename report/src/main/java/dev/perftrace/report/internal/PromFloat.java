package dev.perftrace.report.internal;

import java.util.regex.Pattern;

/**
 * Parses floating-point numbers as the exposition formats and the Prometheus API write them
 * ({@code 1.5}, {@code -2e-3}, {@code +Inf}, {@code -Inf}, {@code NaN}), rejecting what Java's
 * {@link Double#parseDouble} would also accept (hex, {@code d}/{@code f} suffixes, spaces).
 *
 * <p>Thread safety: stateless.
 */
public final class PromFloat {

  private static final Pattern DECIMAL =
      Pattern.compile("[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?");

  private PromFloat() {}

  /** Parses {@code s}; throws {@link NumberFormatException} when it is not a number. */
  public static double parse(String s) {
    if (DECIMAL.matcher(s).matches()) {
      return Double.parseDouble(s);
    }
    String body = s.startsWith("+") || s.startsWith("-") ? s.substring(1) : s;
    if (body.equalsIgnoreCase("inf") || body.equalsIgnoreCase("infinity")) {
      return s.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    if (s.equalsIgnoreCase("nan")) {
      return Double.NaN;
    }
    throw new NumberFormatException("not a number: '" + s + "'");
  }
}

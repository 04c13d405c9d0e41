package dev.perftrace.exporter.prometheus.internal;

import java.util.Map;

/**
 * Converts OpenTelemetry metric names, units and attribute keys to Prometheus names, following
 * the OpenTelemetry "Prometheus and OpenMetrics compatibility" specification. Not API.
 *
 * <p>Thread safety: stateless; safe for concurrent use.
 */
public final class PrometheusNames {

  private static final Map<String, String> UNITS =
      Map.ofEntries(
          Map.entry("d", "days"),
          Map.entry("h", "hours"),
          Map.entry("min", "minutes"),
          Map.entry("s", "seconds"),
          Map.entry("ms", "milliseconds"),
          Map.entry("us", "microseconds"),
          Map.entry("ns", "nanoseconds"),
          Map.entry("By", "bytes"),
          Map.entry("KiBy", "kibibytes"),
          Map.entry("MiBy", "mebibytes"),
          Map.entry("GiBy", "gibibytes"),
          Map.entry("TiBy", "tebibytes"),
          Map.entry("KBy", "kilobytes"),
          Map.entry("MBy", "megabytes"),
          Map.entry("GBy", "gigabytes"),
          Map.entry("TBy", "terabytes"),
          Map.entry("bit", "bits"),
          Map.entry("m", "meters"),
          Map.entry("V", "volts"),
          Map.entry("A", "amperes"),
          Map.entry("J", "joules"),
          Map.entry("W", "watts"),
          Map.entry("g", "grams"),
          Map.entry("Cel", "celsius"),
          Map.entry("Hz", "hertz"),
          Map.entry("%", "percent"));

  private static final Map<String, String> PER_UNITS =
      Map.of(
          "s", "second",
          "m", "minute",
          "min", "minute",
          "h", "hour",
          "d", "day",
          "w", "week",
          "mo", "month",
          "y", "year");

  private PrometheusNames() {}

  /**
   * Returns the Prometheus unit word for a UCUM unit: {@code s} → {@code seconds}, {@code By/s}
   * → {@code bytes_per_second}; annotations in braces are dropped ({@code {request}} → empty,
   * {@code {packet}/s} → {@code per_second}); {@code 1} → {@code ratio} for gauges and empty
   * otherwise; unknown units are sanitized and kept.
   */
  public static String unit(String unit, boolean gauge) {
    if (unit == null) {
      return "";
    }
    String stripped = stripAnnotations(unit).trim();
    if (stripped.isEmpty()) {
      return "";
    }
    if ("1".equals(stripped)) {
      return gauge ? "ratio" : "";
    }
    int slash = stripped.indexOf('/');
    String main = slash < 0 ? stripped : stripped.substring(0, slash).trim();
    String per = slash < 0 ? "" : stripped.substring(slash + 1).trim();
    String mainWord = main.isEmpty() || "1".equals(main) ? "" : word(UNITS.get(main), main);
    String perWord = per.isEmpty() ? "" : word(PER_UNITS.get(per), word(UNITS.get(per), per));
    String result;
    if (perWord.isEmpty()) {
      result = mainWord;
    } else if (mainWord.isEmpty()) {
      result = "per_" + perWord;
    } else {
      result = mainWord + "_per_" + perWord;
    }
    return collapse(result);
  }

  /**
   * Returns the Prometheus metric family name (without the {@code _total} suffixes of counters,
   * all of them: {@code a_total_total} gives family {@code a}, sample {@code a_total}):
   * invalid characters (anything but {@code [a-zA-Z0-9_]}) become {@code _}, runs of {@code _}
   * collapse to one, leading and trailing {@code _} are dropped, a leading digit gets a {@code _}
   * prefix, and the unit word is appended unless the name already ends with {@code _} and the
   * unit word. A name that is only the unit word ({@code seconds} in {@code s}) gets the suffix
   * too ({@code seconds_seconds}): OpenMetrics requires the unit to be a suffix of the family
   * name separated by {@code _}, and simpleclient refuses a family that breaks that rule.
   */
  public static String familyName(String name, String unitWord, boolean counter) {
    String base = collapse(replaceInvalid(name == null ? "" : name));
    if (counter) {
      base = stripTotal(base);
    }
    if (!unitWord.isEmpty() && !base.endsWith("_" + unitWord)) {
      base = base.isEmpty() ? unitWord : base + "_" + unitWord;
    }
    if (counter) {
      // simpleclient strips one _total from counter family names and writes <family>_total
      // samples, so a family still ending in _total (a_total_total) would not own its samples.
      base = stripTotal(base);
    }
    if (base.isEmpty()) {
      return "_";
    }
    if (Character.isDigit(base.charAt(0))) {
      base = "_" + base;
    }
    return base;
  }

  /**
   * Returns the Prometheus label name for an attribute key: invalid characters become {@code _},
   * a leading digit gets the prefix {@code key_}, a leading {@code __} (reserved by Prometheus)
   * gets the prefix {@code key}; an empty key returns the empty string (the caller drops it).
   */
  public static String labelName(String key) {
    if (key == null || key.isEmpty()) {
      return "";
    }
    String sanitized = replaceInvalid(key);
    if (Character.isDigit(sanitized.charAt(0))) {
      return "key_" + sanitized;
    }
    if (sanitized.startsWith("__")) {
      return "key" + sanitized;
    }
    return sanitized;
  }

  private static String stripTotal(String base) {
    while (base.endsWith("_total")) {
      base = base.substring(0, base.length() - "_total".length());
    }
    return base;
  }

  private static String word(String mapped, String fallback) {
    if (mapped != null) {
      return mapped;
    }
    return replaceInvalid(fallback);
  }

  private static String stripAnnotations(String unit) {
    if (unit.indexOf('{') < 0) {
      return unit;
    }
    StringBuilder out = new StringBuilder(unit.length());
    int depth = 0;
    for (int i = 0; i < unit.length(); i++) {
      char c = unit.charAt(i);
      if (c == '{') {
        depth++;
      } else if (c == '}') {
        depth = Math.max(0, depth - 1);
      } else if (depth == 0) {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static String replaceInvalid(String s) {
    char[] chars = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean valid =
          (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
      if (!valid) {
        if (chars == null) {
          chars = s.toCharArray();
        }
        chars[i] = '_';
      }
    }
    return chars == null ? s : new String(chars);
  }

  /** Collapses runs of {@code _} and drops leading and trailing ones. */
  private static String collapse(String s) {
    StringBuilder out = new StringBuilder(s.length());
    boolean pendingUnderscore = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '_') {
        pendingUnderscore = out.length() > 0;
      } else {
        if (pendingUnderscore) {
          out.append('_');
          pendingUnderscore = false;
        }
        out.append(c);
      }
    }
    return out.toString();
  }
}

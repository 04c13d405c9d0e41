package dev.perftrace.collectorconfig;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Extracts the metric names a PromQL expression selects: identifiers that are not functions,
 * keywords, aggregation operators, label names, numbers or durations (test helper).
 */
final class Promql {

  private static final Pattern STRINGS =
      Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
  private static final Pattern LABEL_MATCHERS = Pattern.compile("\\{[^}]*}");
  private static final Pattern RANGES = Pattern.compile("\\[[^]]*]");
  private static final Pattern GROUPING =
      Pattern.compile(
          "\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern OFFSET =
      Pattern.compile("\\boffset\\s+-?[0-9a-z]+", Pattern.CASE_INSENSITIVE);
  private static final Pattern TOKENS =
      Pattern.compile(
          "(?<number>0[xX][0-9a-fA-F]+|[0-9]+(?:\\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\\.[0-9]+)"
              + "|(?<identifier>[a-zA-Z_:][a-zA-Z0-9_:]*)");
  private static final Set<String> KEYWORDS =
      Set.of(
          "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values",
          "bottomk", "topk", "quantile", "limitk", "limit_ratio", "and", "or", "unless", "atan2",
          "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset",
          "inf", "nan");

  private Promql() {}

  /** Returns the metric names selected by {@code expression}, sorted. */
  static Set<String> metricNames(String expression) {
    String s = STRINGS.matcher(expression).replaceAll(" ");
    s = LABEL_MATCHERS.matcher(s).replaceAll(" ");
    s = RANGES.matcher(s).replaceAll(" ");
    s = GROUPING.matcher(s).replaceAll(" ");
    s = OFFSET.matcher(s).replaceAll(" ");
    Set<String> names = new TreeSet<>();
    Matcher m = TOKENS.matcher(s);
    while (m.find()) {
      String identifier = m.group("identifier");
      if (identifier == null || KEYWORDS.contains(identifier.toLowerCase(Locale.ROOT))) {
        continue;
      }
      if (isFollowedByParenthesis(s, m.end())) {
        continue; // a function call
      }
      names.add(identifier);
    }
    return names;
  }

  private static boolean isFollowedByParenthesis(String s, int from) {
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!Character.isWhitespace(c)) {
        return c == '(';
      }
    }
    return false;
  }
}

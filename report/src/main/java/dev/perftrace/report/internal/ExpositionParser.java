package dev.perftrace.report.internal;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A small strict parser for the Prometheus text exposition format 0.0.4 and OpenMetrics 1.0.
 *
 * <p>Thread safety: stateless; safe for concurrent use.
 *
 * <p>Accepted: {@code # HELP}, {@code # TYPE} and {@code # UNIT} lines (other {@code #} lines are
 * comments), empty lines, samples {@code name{label="value",...} value [timestamp]} with the
 * escapes {@code \\}, {@code \"} and {@code \n} in label values, values {@code +Inf}, {@code
 * -Inf} and {@code NaN}, an exemplar after {@code " # "}, and OpenMetrics' closing {@code # EOF}.
 * Rejected with the line number: malformed names, unknown escapes, duplicate labels, unterminated
 * strings, values that are not numbers, a second {@code TYPE} for a family, unknown types,
 * anything after {@code # EOF}, and (for OpenMetrics) a missing {@code # EOF}.
 */
public final class ExpositionParser {

  private static final Set<String> TYPES =
      Set.of(
          "counter",
          "gauge",
          "histogram",
          "summary",
          "untyped",
          "unknown",
          "gaugehistogram",
          "stateset",
          "info");

  private ExpositionParser() {}

  /**
   * Parses {@code text}. When {@code openMetrics} is true the text must end with {@code # EOF};
   * otherwise {@code # EOF} is accepted but not required.
   *
   * @throws ExpositionFormatException when the text is malformed
   */
  public static Exposition parse(String text, boolean openMetrics) {
    requireNonNull(text, "text");
    List<Sample> samples = new ArrayList<>();
    Map<String, String> types = new HashMap<>();
    boolean eof = false;
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      int lineNumber = i + 1;
      String line = lines[i];
      if (line.endsWith("\r")) {
        line = line.substring(0, line.length() - 1);
      }
      if (eof) {
        if (!line.isEmpty() || i != lines.length - 1) {
          throw new ExpositionFormatException(lineNumber, "content after # EOF");
        }
        continue;
      }
      if (line.isBlank()) {
        continue;
      }
      if (line.startsWith("#")) {
        eof = comment(line, lineNumber, types);
        continue;
      }
      samples.add(new LineParser(line, lineNumber).sample());
    }
    if (openMetrics && !eof) {
      throw new ExpositionFormatException(lines.length, "OpenMetrics exposition without # EOF");
    }
    return new Exposition(samples, types);
  }

  /** Handles a {@code #} line; returns true for {@code # EOF}. */
  private static boolean comment(String line, int lineNumber, Map<String, String> types) {
    if (line.equals("# EOF")) {
      return true;
    }
    String[] parts = line.split("[ \t]+", 4);
    if (parts.length < 2 || !parts[0].equals("#")) {
      return false;
    }
    String keyword = parts[1];
    if (!keyword.equals("HELP") && !keyword.equals("TYPE") && !keyword.equals("UNIT")) {
      return false;
    }
    if (parts.length < 3 || !LineParser.isMetricName(parts[2])) {
      throw new ExpositionFormatException(lineNumber, "# " + keyword + " without a valid name");
    }
    String rest = parts.length == 4 ? parts[3] : "";
    switch (keyword) {
      case "TYPE":
        if (!TYPES.contains(rest)) {
          throw new ExpositionFormatException(lineNumber, "unknown type '" + rest + "'");
        }
        if (types.putIfAbsent(parts[2], rest) != null) {
          throw new ExpositionFormatException(lineNumber, "second # TYPE for " + parts[2]);
        }
        break;
      case "HELP":
        unescapeHelp(rest, lineNumber);
        break;
      default:
        break;
    }
    return false;
  }

  private static String unescapeHelp(String s, int lineNumber) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (i + 1 == s.length()) {
        throw new ExpositionFormatException(lineNumber, "dangling backslash in # HELP");
      }
      char next = s.charAt(++i);
      switch (next) {
        case '\\':
          out.append('\\');
          break;
        case 'n':
          out.append('\n');
          break;
        case '"':
          out.append('"');
          break;
        default:
          throw new ExpositionFormatException(lineNumber, "unknown escape \\" + next + " in # HELP");
      }
    }
    return out.toString();
  }

  /** Parses one sample line with a cursor. */
  private static final class LineParser {
    private final String line;
    private final int lineNumber;
    private int pos;

    LineParser(String line, int lineNumber) {
      this.line = line;
      this.lineNumber = lineNumber;
    }

    static boolean isMetricName(String s) {
      if (s.isEmpty() || !isNameStart(s.charAt(0), true)) {
        return false;
      }
      for (int i = 1; i < s.length(); i++) {
        if (!isNamePart(s.charAt(i), true)) {
          return false;
        }
      }
      return true;
    }

    private static boolean isNameStart(char c, boolean colon) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':');
    }

    private static boolean isNamePart(char c, boolean colon) {
      return isNameStart(c, colon) || (c >= '0' && c <= '9');
    }

    Sample sample() {
      String name = name(true);
      Map<String, String> labels = new TreeMap<>();
      if (peek() == '{') {
        labels = labels();
      }
      requireBlank("a space before the value");
      double value = number("value");
      skipBlank();
      if (pos < line.length() && peek() != '#') {
        number("timestamp");
        skipBlank();
      }
      if (pos < line.length()) {
        exemplar();
      }
      return new Sample(name, labels, value);
    }

    private void exemplar() {
      expect('#');
      requireBlank("a space after the exemplar's #");
      if (peek() != '{') {
        throw error("exemplar without labels");
      }
      labels();
      requireBlank("a space before the exemplar value");
      number("exemplar value");
      skipBlank();
      if (pos < line.length()) {
        number("exemplar timestamp");
        skipBlank();
      }
      if (pos < line.length()) {
        throw error("unexpected text after the exemplar: '" + line.substring(pos) + "'");
      }
    }

    private String name(boolean metric) {
      int start = pos;
      if (pos >= line.length() || !isNameStart(line.charAt(pos), metric)) {
        throw error(metric ? "expected a metric name" : "expected a label name");
      }
      pos++;
      while (pos < line.length() && isNamePart(line.charAt(pos), metric)) {
        pos++;
      }
      return line.substring(start, pos);
    }

    private Map<String, String> labels() {
      expect('{');
      Map<String, String> labels = new TreeMap<>();
      skipBlank();
      while (peek() != '}') {
        String name = name(false);
        skipBlank();
        expect('=');
        skipBlank();
        String value = quoted();
        if (labels.put(name, value) != null) {
          throw error("duplicate label '" + name + "'");
        }
        skipBlank();
        if (peek() == ',') {
          pos++;
          skipBlank();
        } else if (peek() != '}') {
          throw error("expected ',' or '}' after label '" + name + "'");
        }
      }
      expect('}');
      return labels;
    }

    private String quoted() {
      expect('"');
      StringBuilder out = new StringBuilder();
      while (true) {
        if (pos >= line.length()) {
          throw error("unterminated label value");
        }
        char c = line.charAt(pos++);
        if (c == '"') {
          return out.toString();
        }
        if (c != '\\') {
          out.append(c);
          continue;
        }
        if (pos >= line.length()) {
          throw error("unterminated label value");
        }
        char next = line.charAt(pos++);
        switch (next) {
          case '\\':
            out.append('\\');
            break;
          case '"':
            out.append('"');
            break;
          case 'n':
            out.append('\n');
            break;
          default:
            throw error("unknown escape \\" + next + " in a label value");
        }
      }
    }

    private double number(String what) {
      int start = pos;
      while (pos < line.length() && !isBlank(line.charAt(pos))) {
        pos++;
      }
      String token = line.substring(start, pos);
      if (token.isEmpty()) {
        throw error("missing " + what);
      }
      try {
        return PromFloat.parse(token);
      } catch (NumberFormatException e) {
        throw error("bad " + what + " '" + token + "'");
      }
    }

    private char peek() {
      if (pos >= line.length()) {
        throw error("unexpected end of line");
      }
      return line.charAt(pos);
    }

    private void expect(char c) {
      if (peek() != c) {
        throw error("expected '" + c + "' but found '" + line.charAt(pos) + "'");
      }
      pos++;
    }

    private void requireBlank(String what) {
      if (pos >= line.length() || !isBlank(line.charAt(pos))) {
        throw error("expected " + what);
      }
      skipBlank();
    }

    private void skipBlank() {
      while (pos < line.length() && isBlank(line.charAt(pos))) {
        pos++;
      }
    }

    private static boolean isBlank(char c) {
      return c == ' ' || c == '\t';
    }

    private ExpositionFormatException error(String message) {
      return new ExpositionFormatException(lineNumber, message + " (column " + (pos + 1) + ")");
    }
  }
}

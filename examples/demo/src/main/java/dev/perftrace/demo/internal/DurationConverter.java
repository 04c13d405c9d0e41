package dev.perftrace.demo.internal;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Parses a duration given as ISO-8601 ({@code PT20S}) or as a number with a unit ({@code 500ms},
 * {@code 20s}, {@code 2m}, {@code 1h}). Internal: not API.
 *
 * <p>Thread safety: stateless.
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

  private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

  /** Parses {@code text}; throws {@link IllegalArgumentException} naming the accepted forms. */
  public static Duration parse(String text) {
    String value = text == null ? "" : text.trim();
    Duration duration;
    Matcher m = SHORT.matcher(value.toLowerCase(Locale.ROOT));
    if (m.matches()) {
      long amount = Long.parseLong(m.group(1));
      switch (m.group(2)) {
        case "ms":
          duration = Duration.ofMillis(amount);
          break;
        case "s":
          duration = Duration.ofSeconds(amount);
          break;
        case "m":
          duration = Duration.ofMinutes(amount);
          break;
        default:
          duration = Duration.ofHours(amount);
          break;
      }
    } else {
      try {
        duration = Duration.parse(value);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "'" + text + "' is not a duration: use ISO-8601 (PT20S) or 500ms, 20s, 2m, 1h", e);
      }
    }
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("duration must be positive, was '" + text + "'");
    }
    return duration;
  }

  @Override
  public Duration convert(String value) {
    try {
      return parse(value);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException(e.getMessage());
    }
  }
}

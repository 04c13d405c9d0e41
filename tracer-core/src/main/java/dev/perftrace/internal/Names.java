package dev.perftrace.internal;

/**
 * Sanitizes names used as metric attribute values. Internal: not API.
 *
 * <p>The result of {@link #sanitize} is a fixed point: sanitizing it again returns it unchanged
 * and reports nothing. The registries rely on that to look clean names up without sanitizing.
 *
 * <p>Thread safety: immutable.
 */
final class Names {
  private final int maxLength;
  private final Rejections rejections;

  Names(int maxLength, Rejections rejections) {
    this.maxLength = maxLength;
    this.rejections = rejections;
  }

  /**
   * Returns the sanitized name, or {@code null} when the name is null or blank; counts every
   * change by reason.
   */
  String sanitize(String raw, String what) {
    return sanitize(raw, what, true);
  }

  /** As {@link #sanitize(String, String)}; {@code count} false changes nothing on the counters. */
  String sanitize(String raw, String what, boolean count) {
    Rejections rejections = count ? this.rejections : null;
    if (raw == null) {
      if (rejections != null) {
        rejections.reject(Reason.NAME_BLANK, what + " is null");
      }
      return null;
    }
    String name = raw.strip();
    if (name.isEmpty()) {
      if (rejections != null) {
        rejections.reject(Reason.NAME_BLANK, what + " is blank");
      }
      return null;
    }
    boolean control = false;
    for (int i = 0; i < name.length(); i++) {
      if (Character.isISOControl(name.charAt(i))) {
        control = true;
        break;
      }
    }
    if (control) {
      char[] chars = name.toCharArray();
      for (int i = 0; i < chars.length; i++) {
        if (Character.isISOControl(chars[i])) {
          chars[i] = '_';
        }
      }
      name = new String(chars);
      if (rejections != null) {
        rejections.reject(Reason.NAME_CONTROL_CHARS, what + " contains control characters");
      }
    }
    if (name.length() > maxLength) {
      int end = maxLength;
      if (Character.isHighSurrogate(name.charAt(end - 1))) {
        end--;
      }
      name = name.substring(0, end).stripTrailing();
      if (rejections != null) {
        rejections.reject(
            Reason.NAME_TRUNCATED, what + " longer than " + maxLength + " characters");
      }
    }
    return name;
  }
}

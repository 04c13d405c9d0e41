package dev.perftrace.demo.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationConverterTest {

  @Test
  void parse_isoDuration_isAccepted() {
    assertThat(DurationConverter.parse("PT5S")).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void parse_shortForms_areAccepted() {
    assertThat(DurationConverter.parse("20s")).isEqualTo(Duration.ofSeconds(20));
    assertThat(DurationConverter.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(DurationConverter.parse("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(DurationConverter.parse("1h")).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void parse_garbage_throwsNamingTheForms() {
    assertThatThrownBy(() -> DurationConverter.parse("soon"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("'soon' is not a duration: use ISO-8601 (PT20S) or 500ms, 20s, 2m, 1h");
  }

  @Test
  void parse_zero_throws() {
    assertThatThrownBy(() -> DurationConverter.parse("0s"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("duration must be positive, was '0s'");
  }
}

package dev.perftrace.report.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FormatTest {

  @ParameterizedTest
  @CsvSource({"1.5, 1.500 s", "0.0425, 42.500 ms", "0.00025, 250.0 us", "NaN, n/a"})
  void duration_choosesUnitBySize(double seconds, String expected) {
    assertThat(Format.duration(seconds)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"512, 512 B", "2048, 2.0 KiB", "3145728, 3.0 MiB", "NaN, n/a"})
  void bytes_usesBinaryUnits(double bytes, String expected) {
    assertThat(Format.bytes(bytes)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"100, 100", "12.34, 12.3", "NaN, n/a"})
  void count_printsWholeNumbersWithoutDecimals(double count, String expected) {
    assertThat(Format.count(count)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"0.05, 5 %", "0.8, 80 %", "0.9, 90 %", "0.75, 75 %"})
  void percentThreshold_dropsTrailingZeros(double ratio, String expected) {
    assertThat(Format.percentThreshold(ratio)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"PT5M, 5m", "PT1H, 1h", "PT90S, 90s", "PT1.5S, 1500ms"})
  void promDuration_usesLargestWholeUnit(String iso, String expected) {
    assertThat(PrometheusSource.promDuration(Duration.parse(iso))).isEqualTo(expected);
  }
}

package dev.perftrace.exporter.prometheus.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PrometheusNamesTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      nullValues = "null",
      value = {
        "s | seconds",
        "ms | milliseconds",
        "us | microseconds",
        "ns | nanoseconds",
        "min | minutes",
        "h | hours",
        "d | days",
        "By | bytes",
        "KiBy | kibibytes",
        "MiBy | mebibytes",
        "KBy | kilobytes",
        "m | meters",
        "Cel | celsius",
        "Hz | hertz",
        "% | percent",
        "By/s | bytes_per_second",
        "m/s | meters_per_second",
        "{request}/s | per_second",
        "1/s | per_second",
        "{request} | ''",
        "'' | ''",
        "null | ''",
        "packets | packets",
        "foo.bar | foo_bar",
      })
  void unit_ucum_prometheusWord(String ucum, String expected) {
    assertThat(PrometheusNames.unit(ucum, false)).isEqualTo(expected);
  }

  @Test
  void unit_oneOnGauge_ratio() {
    assertThat(PrometheusNames.unit("1", true)).isEqualTo("ratio");
  }

  @Test
  void unit_oneOnNonGauge_empty() {
    assertThat(PrometheusNames.unit("1", false)).isEmpty();
  }

  @ParameterizedTest(name = "{0} [{1}] -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "perftrace.operation.duration | seconds | perftrace_operation_duration_seconds",
        "perftrace.operation.active | '' | perftrace_operation_active",
        "http.server-active/requests | '' | http_server_active_requests",
        "a..b__c | '' | a_b_c",
        "_leading.and.trailing_ | '' | leading_and_trailing",
        "2xx.count | '' | _2xx_count",
        "latency_seconds | seconds | latency_seconds",
        "seconds | seconds | seconds_seconds",
        "bytes | bytes | bytes_bytes",
        "percent | percent | percent_percent",
        "ns:colon | '' | ns_colon",
        "'' | bytes | bytes",
      })
  void familyName_gaugeOrHistogram(String name, String unit, String expected) {
    assertThat(PrometheusNames.familyName(name, unit, false)).isEqualTo(expected);
  }

  @Test
  void familyName_counterEndingInTotal_totalStripped() {
    assertThat(PrometheusNames.familyName("requests_total", "bytes", true))
        .isEqualTo("requests_bytes");
  }

  @Test
  void familyName_counterEndingInTotalTwice_everyTotalStripped() {
    assertThat(PrometheusNames.familyName("a_total_total", "", true)).isEqualTo("a");
  }

  @Test
  void familyName_counterInUnitTotal_noTrailingTotal() {
    assertThat(PrometheusNames.familyName("a", "total", true)).isEqualTo("a");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "perftrace.operation.name | perftrace_operation_name",
        "network.io.direction | network_io_direction",
        "a-b c | a_b_c",
        "2xx | key_2xx",
        "__reserved | key__reserved",
        "_single | _single",
        "'' | ''",
      })
  void labelName_attributeKey_sanitized(String key, String expected) {
    assertThat(PrometheusNames.labelName(key)).isEqualTo(expected);
  }
}

package dev.perftrace.exporter.prometheus;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PrometheusExporterBuilderTest {

  @Test
  void setHost_null_throwsNamingParameter() {
    assertThatThrownBy(() -> PrometheusExporter.builder().setHost(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("host");
  }

  @Test
  void setHost_blank_throwsNamingParameter() {
    assertThatThrownBy(() -> PrometheusExporter.builder().setHost(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("host must not be blank");
  }

  @Test
  void setPort_negative_throwsNamingParameter() {
    assertThatThrownBy(() -> PrometheusExporter.builder().setPort(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("port must be in 0..65535, was -1");
  }

  @Test
  void setPort_above65535_throwsNamingParameter() {
    assertThatThrownBy(() -> PrometheusExporter.builder().setPort(65536))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("port must be in 0..65535, was 65536");
  }

  @Test
  void build_unresolvableHost_throwsUncheckedIoException() {
    assertThatThrownBy(
            () -> PrometheusExporter.builder().setHost("no-such-host.invalid").setPort(0).build())
        .isInstanceOf(java.io.UncheckedIOException.class)
        .hasMessage("Prometheus exporter could not listen on no-such-host.invalid:0");
  }

  @Test
  void build_portInUse_throwsUncheckedIoException() {
    try (Fixture f = new Fixture(PrometheusExporter.builder().setPort(0).build())) {
      int taken = f.exporter.port();

      assertThatThrownBy(() -> PrometheusExporter.builder().setPort(taken).build())
          .isInstanceOf(java.io.UncheckedIOException.class)
          .hasMessage("Prometheus exporter could not listen on 127.0.0.1:" + taken);
    }
  }
}

package dev.perftrace;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.OpenTelemetry;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PerfTracerBuilderTest {
  private final OpenTelemetry otel = OpenTelemetry.noop();

  @Test
  void create_nullOpenTelemetryThrowsNamingIt() {
    assertThatThrownBy(() -> PerfTracer.create(null, "scope"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("openTelemetry");
  }

  @Test
  void create_blankScopeNameThrowsNamingIt() {
    assertThatThrownBy(() -> PerfTracer.create(otel, " "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("instrumentationScopeName");
  }

  @Test
  void setMaxOperations_zeroThrowsNamingIt() {
    assertThatThrownBy(() -> PerfTracer.builder(otel, "s").setMaxOperations(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxOperations");
  }

  @Test
  void setMaxSources_negativeThrowsNamingIt() {
    assertThatThrownBy(() -> PerfTracer.builder(otel, "s").setMaxSources(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxSources");
  }

  @Test
  void setMaxCaches_zeroThrowsNamingIt() {
    assertThatThrownBy(() -> PerfTracer.builder(otel, "s").setMaxCaches(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxCaches");
  }

  @Test
  void setMaxErrorTypes_zeroThrowsNamingIt() {
    assertThatThrownBy(() -> PerfTracer.builder(otel, "s").setMaxErrorTypes(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxErrorTypes");
  }

  @Test
  void setMaxNameLength_outOfRangeThrowsNamingIt() {
    assertThatThrownBy(() -> PerfTracer.builder(otel, "s").setMaxNameLength(4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxNameLength");
  }

  @Test
  void setCacheTierBuckets_decreasingThrowsNamingIt() {
    assertThatThrownBy(() -> PerfTracer.builder(otel, "s").setCacheTierBuckets(List.of(1.0, 0.5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("boundariesSeconds");
  }

  @Test
  void setCacheTierBuckets_nullThrowsNamingIt() {
    assertThatThrownBy(() -> PerfTracer.builder(otel, "s").setCacheTierBuckets(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("boundariesSeconds");
  }

  @Test
  void setCacheTierBuckets_emptyThrowsNamingIt() {
    assertThatThrownBy(() -> PerfTracer.builder(otel, "s").setCacheTierBuckets(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("boundariesSeconds");
  }

  @Test
  void setDurationBuckets_decreasingThrowsNamingIt() {
    assertThatThrownBy(() -> PerfTracer.builder(otel, "s").setDurationBuckets(List.of(1.0, 0.5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("boundariesSeconds");
  }

  @Test
  void setDurationBuckets_nanThrowsNamingIt() {
    assertThatThrownBy(
            () -> PerfTracer.builder(otel, "s").setDurationBuckets(List.of(0.1, Double.NaN)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("boundariesSeconds");
  }

  @Test
  void setDurationBuckets_nullElementThrowsNamingIt() {
    assertThatThrownBy(
            () -> PerfTracer.builder(otel, "s").setDurationBuckets(Arrays.asList(0.1, null)))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("boundariesSeconds[1]");
  }

  @Test
  void setSizeBuckets_emptyThrowsNamingIt() {
    assertThatThrownBy(() -> PerfTracer.builder(otel, "s").setSizeBuckets(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("boundariesBytes");
  }

  @Test
  void setTicker_nullThrowsNamingIt() {
    assertThatThrownBy(() -> PerfTracer.builder(otel, "s").setTicker(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("ticker");
  }

  @Test
  void setMdcKey_blankThrowsNamingIt() {
    assertThatThrownBy(() -> PerfTracer.builder(otel, "s").setMdcKey(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mdcKey");
  }
}

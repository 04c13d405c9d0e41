package dev.perftrace.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HistogramAggregationTest {

  @Test
  void base2Exponential_defaultsAreOpenTelemetrys() {
    HistogramAggregation aggregation = HistogramAggregation.base2Exponential();
    assertThat(aggregation.isExponential()).isTrue();
    assertThat(aggregation.maxBuckets()).isEqualTo(320);
    assertThat(aggregation.maxScale()).isEqualTo(20);
    assertThat(aggregation).isEqualTo(HistogramAggregation.base2Exponential(320, 20));
    assertThat(aggregation.toString()).isEqualTo("base2Exponential(maxBuckets=320, maxScale=20)");
  }

  @Test
  void explicitBucket_isNotExponential() {
    assertThat(HistogramAggregation.explicitBucket().isExponential()).isFalse();
    assertThat(HistogramAggregation.explicitBucket().toString()).isEqualTo("explicitBucket");
  }

  @Test
  void base2Exponential_outOfRange_throwsNamingTheParameter() {
    assertThatThrownBy(() -> HistogramAggregation.base2Exponential(1, 20))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxBuckets must be at least 2: 1");
    assertThatThrownBy(() -> HistogramAggregation.base2Exponential(160, 21))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxScale must be in -10..20: 21");
    assertThatThrownBy(() -> HistogramAggregation.base2Exponential(160, -11))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxScale must be in -10..20: -11");
  }

  @Test
  void setHistogramAggregation_null_throws() {
    assertThatThrownBy(() -> PerfTraceSdk.builder().setHistogramAggregation(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("aggregation");
  }
}

package dev.perftrace.exporter.prometheus;

import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perftrace.testing.KnownDistributions;
import dev.perftrace.testing.KnownDistributions.Sample;
import dev.perftrace.testing.PrometheusServer;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentSelector;
import io.opentelemetry.sdk.metrics.View;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Native histograms end to end: known distributions recorded into base-2 exponential histograms
 * (the SDK's default 160 buckets, max scale 20, set with {@code setExponentialHistograms}),
 * scraped in protobuf by a real Prometheus 2.42 started with {@code
 * --enable-feature=native-histograms}, percentiles by {@code histogram_quantile} over the native
 * series, compared with the exact quantiles of the samples. With 160 buckets one series spanning
 * 1 µs–10 s (23 octaves) settles at scale 2 (buckets 19 % wide): Prometheus, which knows no
 * maximum, interpolates up to the top bucket's bound and its p99.9 is 9 % high; the same samples
 * with 320 buckets (scale 3) are within 5 % (scope {@code accuracy.native320}). A second
 * Prometheus without the
 * feature scrapes the same exporter in OpenMetrics: counters and explicit histograms arrive as
 * before, the exponential histogram is left out.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NativeHistogramAccuracyIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final String SCOPE = "accuracy.native";
  private static final String SCOPE_320 = "accuracy.native320";

  private final List<Sample> suite = KnownDistributions.nativeSuite();
  private Fixture fixture;
  private PrometheusServer nativeScraper;
  private PrometheusServer textScraper;
  private SpanContext counterSpan;

  @BeforeAll
  @SuppressWarnings("deprecation") // explicitBucketHistogram(List): 1.68 prefers an options class
  void recordAndScrape() {
    fixture =
        new Fixture(
            PrometheusExporter.builder().setPort(0).setExponentialHistograms(160, 20).build(),
            b -> b.registerView(
                InstrumentSelector.builder().setName("explicit.duration").build(),
                View.builder()
                    .setAggregation(Aggregation.explicitBucketHistogram(List.of(0.001, 0.01)))
                    .build())
                .registerView(
                    InstrumentSelector.builder().setMeterName(SCOPE_320).build(),
                    View.builder()
                        .setAggregation(Aggregation.base2ExponentialBucketHistogram(320, 20))
                        .build()));
    Meter meter = fixture.meter(SCOPE);
    DoubleHistogram duration =
        meter.histogramBuilder("perftrace.operation.duration").setUnit("s").build();
    for (Sample sample : suite) {
      Attributes attributes = Attributes.of(stringKey("perftrace.operation.name"), sample.name());
      for (int i = 0; i < KnownDistributions.SAMPLES; i++) {
        duration.record(sample.seconds(i), attributes);
      }
    }
    Sample wide = suite.get(3);
    DoubleHistogram duration320 =
        fixture.meter(SCOPE_320).histogramBuilder("perftrace.operation.duration").setUnit("s")
            .build();
    Attributes wideAttributes = Attributes.of(stringKey("perftrace.operation.name"), wide.name());
    for (int i = 0; i < KnownDistributions.SAMPLES; i++) {
      duration320.record(wide.seconds(i), wideAttributes);
    }
    DoubleHistogram explicit = meter.histogramBuilder("explicit.duration").setUnit("s").build();
    explicit.record(0.0005);
    explicit.record(0.005);
    explicit.record(0.5);
    LongCounter requests = meter.counterBuilder("requests").build();
    requests.add(41);
    counterSpan = fixture.inSpan(() -> requests.add(1)).getSpanContext();

    String target = "127.0.0.1:" + fixture.exporter.port();
    nativeScraper = PrometheusServer.builder().nativeHistograms(true).addTarget(target).start();
    textScraper = PrometheusServer.builder().addTarget(target).start();
    nativeScraper.awaitTargetsUp(TIMEOUT);
    textScraper.awaitTargetsUp(TIMEOUT);
  }

  @AfterAll
  void stop() {
    if (nativeScraper != null) {
      nativeScraper.close();
    }
    if (textScraper != null) {
      textScraper.close();
    }
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void histogramQuantile_nativeHistogram160Buckets_within5PercentOfExact() {
    for (Sample sample : suite) {
      assertQuantiles(SCOPE, "160", sample, sample == suite.get(3) ? 0.99 : 1.0);
    }
  }

  @Test
  void histogramQuantile_nativeHistogram160Buckets_wideRangeP999WithinBucketWidth() {
    Sample wide = suite.get(3);
    double exact = wide.exactSeconds(0.999);
    double estimate = quantile(SCOPE, wide, 0.999);
    System.out.printf(
        Locale.ROOT, "native160 %s p99.9 exact=%.9f promql=%.9f error=%+.2f%%%n",
        wide.name(), exact, estimate, KnownDistributions.error(estimate, exact) * 100);
    // scale 2: one bucket is 2^(1/4) = 1.19 wide
    assertThat(Math.abs(KnownDistributions.error(estimate, exact))).isLessThanOrEqualTo(0.19);
    assertThat(Math.abs(KnownDistributions.error(estimate, exact))).isGreaterThan(0.05);
  }

  @Test
  void histogramQuantile_nativeHistogram320Buckets_wideRangeWithin5PercentOfExact() {
    assertQuantiles(SCOPE_320, "320", suite.get(3), 1.0);
  }

  private double quantile(String scope, Sample sample, double q) {
    String series = "perftrace_operation_duration_seconds" + selector(scope, sample);
    assertThat(nativeScraper.awaitValue("histogram_count(" + series + ")", TIMEOUT))
        .isEqualTo((double) KnownDistributions.SAMPLES);
    return nativeScraper.value("histogram_quantile(" + q + ", " + series + ")").orElseThrow();
  }

  /** Asserts the quantiles up to {@code maxQuantile} within 5 %. */
  private void assertQuantiles(String scope, String label, Sample sample, double maxQuantile) {
    String series = "perftrace_operation_duration_seconds" + selector(scope, sample);
    assertThat(nativeScraper.awaitValue("histogram_count(" + series + ")", TIMEOUT))
        .isEqualTo((double) KnownDistributions.SAMPLES);
    for (double q : KnownDistributions.QUANTILES) {
      if (q > maxQuantile) {
        continue;
      }
      double exact = sample.exactSeconds(q);
      double estimate =
          nativeScraper.value("histogram_quantile(" + q + ", " + series + ")").orElseThrow();
      double error = KnownDistributions.error(estimate, exact);
      System.out.printf(
          Locale.ROOT, "native%s %s p%s exact=%.9f promql=%.9f error=%+.2f%%%n",
          label, sample.name(), q * 100, exact, estimate, error * 100);
      assertThat(Math.abs(error))
          .as("%s p%s: exact %s s, histogram_quantile %s s", sample.name(), q * 100, exact,
              estimate)
          .isLessThanOrEqualTo(0.05);
    }
  }

  @Test
  void nativeHistogram_countAndSumEqualRecorded() {
    Sample sample = suite.get(1);
    String series = "perftrace_operation_duration_seconds" + selector(sample);
    double sum = 0;
    for (int i = 0; i < KnownDistributions.SAMPLES; i++) {
      sum += sample.seconds(i);
    }
    assertThat(nativeScraper.awaitValue("histogram_count(" + series + ")", TIMEOUT))
        .isEqualTo((double) KnownDistributions.SAMPLES);
    assertThat(nativeScraper.value("histogram_sum(" + series + ")").orElseThrow())
        .isCloseTo(sum, org.assertj.core.data.Percentage.withPercentage(1e-9));
    // a native histogram has no classic _bucket series
    assertThat(nativeScraper.query("perftrace_operation_duration_seconds_bucket")).isEmpty();
  }

  @Test
  void protobufScrape_counterAndExplicitHistogram_asInText() {
    for (PrometheusServer server : List.of(nativeScraper, textScraper)) {
      assertThat(server.awaitValue("requests_total{otel_scope_name=\"" + SCOPE + "\"}", TIMEOUT))
          .isEqualTo(42.0);
      String explicit = "explicit_duration_seconds_bucket{otel_scope_name=\"" + SCOPE + "\",le=\"%s\"}";
      assertThat(server.awaitValue(String.format(explicit, "0.001"), TIMEOUT)).isEqualTo(1.0);
      assertThat(server.value(String.format(explicit, "0.01")).orElseThrow()).isEqualTo(2.0);
      assertThat(server.value(String.format(explicit, "+Inf")).orElseThrow()).isEqualTo(3.0);
      assertThat(server.value("explicit_duration_seconds_count").orElseThrow()).isEqualTo(3.0);
      assertThat(server.value("explicit_duration_seconds_sum").orElseThrow()).isEqualTo(0.5055);
      assertThat(server.awaitValue("count(target_info)", TIMEOUT)).isEqualTo(1.0);
    }
  }

  @Test
  void protobufScrape_counterExemplar_stored() {
    JsonNode data =
        PollingExemplars.await(nativeScraper, "requests_total{otel_scope_name=\"" + SCOPE + "\"}",
            TIMEOUT);
    assertThat(data.size()).isEqualTo(1);
    JsonNode exemplars = data.get(0).path("exemplars");
    assertThat(exemplars.size()).isGreaterThanOrEqualTo(1);
    JsonNode labels = exemplars.get(exemplars.size() - 1).path("labels");
    assertThat(labels.path("trace_id").asText()).isEqualTo(counterSpan.getTraceId());
    assertThat(labels.path("span_id").asText()).isEqualTo(counterSpan.getSpanId());
  }

  @Test
  void textScraper_exponentialHistogramLeftOut() {
    assertThat(textScraper.awaitValue("requests_total", TIMEOUT)).isEqualTo(42.0);
    assertThat(textScraper.metricNames())
        .contains("requests_total", "explicit_duration_seconds_bucket")
        .noneMatch(name -> name.startsWith("perftrace_operation_duration"));
  }

  private static String selector(Sample sample) {
    return selector(SCOPE, sample);
  }

  private static String selector(String scope, Sample sample) {
    return "{otel_scope_name=\"" + scope + "\",perftrace_operation_name=\"" + sample.name()
        + "\"}";
  }

  /** Polls {@code query_exemplars} until a series with exemplars comes back. */
  static final class PollingExemplars {
    private PollingExemplars() {}

    static JsonNode await(PrometheusServer server, String promql, Duration timeout) {
      return dev.perftrace.testing.Poll.until(
          "exemplars of " + promql,
          timeout,
          () -> server.queryExemplars(promql),
          data -> data.size() > 0);
    }
  }
}

package dev.perftrace.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perftrace.PerfTracer;
import dev.perftrace.testing.BackendProcess;
import dev.perftrace.testing.Backends;
import dev.perftrace.testing.Poll;
import dev.perftrace.testing.PrometheusServer;
import dev.perftrace.testing.otlp.OtlpGrpcReceiver;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.ExponentialHistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exponential histograms reach the Collector unchanged: the SDK exports base-2 exponential
 * histograms (PerfTrace's histogram aggregation option, 320 buckets, scale 20) over OTLP/gRPC to
 * the real otelcol-perftrace (otlp receiver → otlp exporter, no processor), which forwards them
 * to the test kit's OTLP receiver. Scale, zero count, bucket offsets and counts, sum, count, min
 * and max arrive identical to what the SDK exported.
 */
class CollectorExponentialHistogramIT {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path tempDir;

  @Test
  void exponentialHistogram_throughTheCollector_arrivesUnchanged() throws Exception {
    Path collectorBinary = Backends.requireCollector();
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      int collectorGrpc = PrometheusServer.freePort();
      int health = PrometheusServer.freePort();
      Path config = tempDir.resolve("relay.yaml");
      Files.writeString(
          config,
          String.join(
              "\n",
              "extensions:",
              "  health_check:",
              "    endpoint: 127.0.0.1:" + health,
              "receivers:",
              "  otlp:",
              "    protocols:",
              "      grpc:",
              "        endpoint: 127.0.0.1:" + collectorGrpc,
              "exporters:",
              "  otlp:",
              "    endpoint: 127.0.0.1:" + receiver.port(),
              "    tls:",
              "      insecure: true",
              "service:",
              "  telemetry:",
              "    metrics:",
              "      level: none",
              "  extensions: [health_check]",
              "  pipelines:",
              "    metrics:",
              "      receivers: [otlp]",
              "      exporters: [otlp]",
              ""));
      try (BackendProcess collector =
          BackendProcess.start(
              "otelcol-perftrace",
              collectorBinary,
              config,
              Map.of(),
              URI.create("http://127.0.0.1:" + health + "/"))) {
        List<ExponentialHistogramPointData> exported = new ArrayList<>();
        List<ExponentialHistogramPointData> sent = new ArrayList<>();
        MetricExporter otlp =
            OtlpGrpcMetricExporter.builder()
                .setEndpoint("http://127.0.0.1:" + collectorGrpc)
                .setMemoryMode(MemoryMode.IMMUTABLE_DATA)
                .build();
        Capturing capturing =
            new Capturing(otlp, HistogramAggregation.base2Exponential(), exported);
        SdkMeterProvider meterProvider =
            SdkMeterProvider.builder()
                .registerMetricReader(
                    PeriodicMetricReader.builder(capturing).setInterval(Duration.ofHours(1)).build())
                .build();
        try {
          PerfTracer tracer =
              PerfTracer.create(
                  OpenTelemetrySdk.builder().setMeterProvider(meterProvider).build(), "relay.it");
          DoubleHistogram raw =
              meterProvider.get("relay.it").histogramBuilder("it.latency").setUnit("s").build();
          Random random = new Random(31);
          for (int i = 0; i < 5_000; i++) {
            double seconds = 2e-3 * Math.exp(random.nextGaussian());
            tracer.recordDuration("op", Duration.ofNanos(Math.max(1, (long) (seconds * 1e9))));
            raw.record(seconds, Attributes.of(AttributeKey.stringKey("k"), "v"));
          }
          raw.record(0.0, Attributes.of(AttributeKey.stringKey("k"), "v"));
          raw.record(0.0, Attributes.of(AttributeKey.stringKey("k"), "v"));
          assertThat(meterProvider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
          synchronized (exported) {
            sent.addAll(exported);
          }
        } finally {
          meterProvider.shutdown().join(10, TimeUnit.SECONDS);
        }

        // the flushed collection: PerfTrace's duration histogram and the raw one
        assertThat(sent).hasSize(2);
        List<ExponentialHistogramDataPoint> received =
            Poll.until(
                "both exponential histograms of the flush through the collector (log: "
                    + collector + ")",
                WAIT,
                () -> receivedPoints(receiver),
                points -> sent.stream().allMatch(s -> points.stream().anyMatch(p -> same(p, s))));
        for (ExponentialHistogramPointData one : sent) {
          ExponentialHistogramDataPoint got =
              received.stream()
                  .filter(p -> same(p, one))
                  .findFirst()
                  .orElseThrow(() -> new AssertionError("not received: " + one.getAttributes()));
          assertThat(got.getScale()).isEqualTo(one.getScale());
          assertThat(got.getZeroCount()).isEqualTo(one.getZeroCount());
          assertThat(got.getCount()).isEqualTo(one.getCount());
          assertThat(got.getSum()).isEqualTo(one.getSum());
          assertThat(got.getMin()).isEqualTo(one.getMin());
          assertThat(got.getMax()).isEqualTo(one.getMax());
          assertThat(got.getPositive().getOffset()).isEqualTo(one.getPositiveBuckets().getOffset());
          assertThat(got.getPositive().getBucketCountsList())
              .isEqualTo(one.getPositiveBuckets().getBucketCounts());
          assertThat(got.getNegative().getBucketCountsList())
              .isEqualTo(one.getNegativeBuckets().getBucketCounts());
          assertThat(got.getStartTimeUnixNano()).isEqualTo(one.getStartEpochNanos());
        }
        ExponentialHistogramPointData raw =
            sent.stream()
                .filter(p -> "v".equals(p.getAttributes().get(AttributeKey.stringKey("k"))))
                .findFirst()
                .orElseThrow();
        assertThat(raw.getZeroCount()).isEqualTo(2);
        assertThat(raw.getCount()).isEqualTo(5_002);
        // a lognormal (σ = 1) around 2 ms in 320 buckets: scale 4
        assertThat(raw.getScale()).isEqualTo(4);
      }
    }
  }

  /** The same series at the same collection time. */
  private static boolean same(ExponentialHistogramDataPoint got, ExponentialHistogramPointData sent) {
    return got.getTimeUnixNano() == sent.getEpochNanos() && attributes(got).equals(attributes(sent));
  }

  private static List<ExponentialHistogramDataPoint> receivedPoints(OtlpGrpcReceiver receiver) {
    List<ExponentialHistogramDataPoint> points = new ArrayList<>();
    for (Metric metric : receiver.metrics()) {
      if (metric.hasExponentialHistogram()) {
        points.addAll(metric.getExponentialHistogram().getDataPointsList());
      }
    }
    return points;
  }

  private static Map<String, String> attributes(ExponentialHistogramDataPoint point) {
    Map<String, String> map = new java.util.TreeMap<>();
    for (KeyValue kv : point.getAttributesList()) {
      map.put(kv.getKey(), kv.getValue().getStringValue());
    }
    return map;
  }

  private static Map<String, String> attributes(ExponentialHistogramPointData point) {
    Map<String, String> map = new java.util.TreeMap<>();
    point.getAttributes().forEach((k, v) -> map.put(k.getKey(), String.valueOf(v)));
    return map;
  }

  /** Exports through the delegate and keeps a copy of every exponential point it exported. */
  private static final class Capturing implements MetricExporter {
    private final MetricExporter delegate;
    private final HistogramAggregation histograms;
    private final List<ExponentialHistogramPointData> exported;

    Capturing(
        MetricExporter delegate,
        HistogramAggregation histograms,
        List<ExponentialHistogramPointData> exported) {
      this.delegate = delegate;
      this.histograms = histograms;
      this.exported = exported;
    }

    @Override
    public io.opentelemetry.sdk.metrics.Aggregation getDefaultAggregation(InstrumentType type) {
      return type == InstrumentType.HISTOGRAM
          ? histograms.toAggregation()
          : delegate.getDefaultAggregation(type);
    }

    @Override
    public io.opentelemetry.sdk.metrics.data.AggregationTemporality getAggregationTemporality(
        InstrumentType type) {
      return delegate.getAggregationTemporality(type);
    }

    @Override
    public MemoryMode getMemoryMode() {
      return MemoryMode.IMMUTABLE_DATA;
    }

    @Override
    public CompletableResultCode export(Collection<MetricData> metrics) {
      for (MetricData metric : metrics) {
        if (metric.getType() == MetricDataType.EXPONENTIAL_HISTOGRAM
            && "relay.it".equals(metric.getInstrumentationScopeInfo().getName())) {
          synchronized (exported) {
            exported.addAll(metric.getExponentialHistogramData().getPoints());
          }
        }
      }
      return delegate.export(metrics);
    }

    @Override
    public CompletableResultCode flush() {
      return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
      return delegate.shutdown();
    }
  }
}

package dev.perftrace.exporter.prometheus.internal;

import dev.perftrace.exporter.prometheus.internal.MetricConverter.Converted;
import dev.perftrace.exporter.prometheus.internal.MetricConverter.NativeFamily;
import dev.perftrace.exporter.prometheus.internal.MetricConverter.NativePoint;
import dev.perftrace.exporter.prometheus.internal.OnceLogger.Reason;

import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.Collector.MetricFamilySamples.Sample;
import io.prometheus.metrics.expositionformats.PrometheusProtobufWriter;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Exemplar;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot.InfoDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.NativeHistogramBuckets;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot.SummaryDataPointSnapshot;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The protobuf exposition ({@code application/vnd.google.protobuf;
 * proto=io.prometheus.client.MetricFamily; encoding=delimited}): the converter's families, already
 * named, filtered and conflict-checked once for all formats, are rebuilt as Prometheus client_java
 * 1.x {@code MetricSnapshots} and written by its {@link PrometheusProtobufWriter}. Counters,
 * gauges, explicit histograms (classic buckets with their exemplars), summaries and {@code
 * target_info} carry the same names, labels, values and exemplars as in the text formats;
 * exponential histograms become native histograms. Not API.
 *
 * <p>Thread safety: safe for concurrent use (stateless apart from the once-per-reason log).
 */
public final class ProtobufExposition {

  /** The response content type, as Prometheus asks for it. */
  public static final String CONTENT_TYPE = PrometheusProtobufWriter.CONTENT_TYPE;

  private static final PrometheusProtobufWriter WRITER = new PrometheusProtobufWriter();
  private static final String LE = "le";
  private static final String QUANTILE = "quantile";

  private final OnceLogger log;

  /** Creates an exposition logging through {@code log}. */
  public ProtobufExposition(OnceLogger log) {
    this.log = log;
  }

  /**
   * Writes {@code families} as length-delimited {@code MetricFamily} messages; with a non-empty
   * {@code names} only the families any of whose sample names is in it (whole families).
   */
  public void write(OutputStream out, List<Converted> families, Set<String> names)
      throws IOException {
    WRITER.write(out, snapshots(families, names));
  }

  /** Returns the snapshots of {@code families} (see {@link #write}). */
  public MetricSnapshots snapshots(List<Converted> families, Set<String> names) {
    List<MetricSnapshot> snapshots = new ArrayList<>(families.size());
    for (Converted family : families) {
      if (!names.isEmpty() && family.writtenNames().stream().noneMatch(names::contains)) {
        continue;
      }
      try {
        MetricSnapshot snapshot =
            family.classic() != null
                ? classic(family.classic())
                : nativeFamily(family.nativeFamily());
        if (snapshot != null) {
          snapshots.add(snapshot);
        }
      } catch (RuntimeException e) {
        String name =
            family.classic() != null ? family.classic().name : family.nativeFamily().name();
        log.warn(
            Reason.CONVERSION_FAILED,
            "Could not write Prometheus family '" + name + "' as protobuf; it is left out",
            e);
      }
    }
    return new MetricSnapshots(snapshots);
  }

  private static MetricSnapshot classic(MetricFamilySamples family) {
    if (family.samples.isEmpty()) {
      return null;
    }
    switch (family.type) {
      case COUNTER:
        {
          CounterSnapshot.Builder builder =
              CounterSnapshot.builder().name(family.name).help(family.help);
          for (Sample s : family.samples) {
            CounterDataPointSnapshot.Builder point =
                CounterDataPointSnapshot.builder()
                    .labels(Labels.of(s.labelNames, s.labelValues))
                    .value(s.value);
            if (s.exemplar != null) {
              point.exemplar(exemplar(s.exemplar));
            }
            builder.dataPoint(point.build());
          }
          return builder.build();
        }
      case GAUGE:
        {
          GaugeSnapshot.Builder builder =
              GaugeSnapshot.builder().name(family.name).help(family.help);
          for (Sample s : family.samples) {
            builder.dataPoint(
                GaugeDataPointSnapshot.builder()
                    .labels(Labels.of(s.labelNames, s.labelValues))
                    .value(s.value)
                    .build());
          }
          return builder.build();
        }
      case INFO:
        {
          InfoSnapshot.Builder builder =
              InfoSnapshot.builder().name(family.name).help(family.help);
          for (Sample s : family.samples) {
            builder.dataPoint(
                InfoDataPointSnapshot.builder()
                    .labels(Labels.of(s.labelNames, s.labelValues))
                    .build());
          }
          return builder.build();
        }
      case HISTOGRAM:
        return histogram(family);
      case SUMMARY:
        return summary(family);
      default:
        throw new IllegalArgumentException("unsupported family type " + family.type);
    }
  }

  /** Regroups the converter's samples: per series its buckets, then _count, then _sum. */
  private static MetricSnapshot histogram(MetricFamilySamples family) {
    HistogramSnapshot.Builder builder =
        HistogramSnapshot.builder().name(family.name).help(family.help);
    String bucketName = family.name + "_bucket";
    String sumName = family.name + "_sum";
    List<Double> bounds = new ArrayList<>();
    List<Long> counts = new ArrayList<>();
    List<Exemplar> exemplars = new ArrayList<>();
    long previous = 0;
    for (Sample s : family.samples) {
      if (s.name.equals(bucketName)) {
        int le = s.labelNames.size() - 1;
        if (!LE.equals(s.labelNames.get(le))) {
          throw new IllegalStateException("bucket sample without a trailing le label");
        }
        String bound = s.labelValues.get(le);
        bounds.add("+Inf".equals(bound) ? Double.POSITIVE_INFINITY : Double.parseDouble(bound));
        long cumulative = (long) s.value;
        counts.add(cumulative - previous);
        previous = cumulative;
        if (s.exemplar != null) {
          exemplars.add(exemplar(s.exemplar));
        }
      } else if (s.name.equals(sumName)) {
        builder.dataPoint(
            HistogramDataPointSnapshot.builder()
                .labels(Labels.of(s.labelNames, s.labelValues))
                .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, counts))
                .sum(s.value)
                .exemplars(Exemplars.of(exemplars))
                .build());
        bounds = new ArrayList<>();
        counts = new ArrayList<>();
        exemplars = new ArrayList<>();
        previous = 0;
      }
      // _count: the model derives it from the buckets (the +Inf bucket's cumulative count)
    }
    return builder.build();
  }

  /** Regroups the converter's samples: per series its quantiles, then _count, then _sum. */
  private static MetricSnapshot summary(MetricFamilySamples family) {
    SummarySnapshot.Builder builder =
        SummarySnapshot.builder().name(family.name).help(family.help);
    String countName = family.name + "_count";
    String sumName = family.name + "_sum";
    List<Quantile> quantiles = new ArrayList<>();
    long count = 0;
    for (Sample s : family.samples) {
      if (s.name.equals(countName)) {
        count = (long) s.value;
      } else if (s.name.equals(sumName)) {
        builder.dataPoint(
            SummaryDataPointSnapshot.builder()
                .labels(Labels.of(s.labelNames, s.labelValues))
                .quantiles(Quantiles.of(quantiles))
                .count(count)
                .sum(s.value)
                .build());
        quantiles = new ArrayList<>();
        count = 0;
      } else {
        int q = s.labelNames.size() - 1;
        if (!QUANTILE.equals(s.labelNames.get(q))) {
          throw new IllegalStateException("summary sample without a trailing quantile label");
        }
        quantiles.add(new Quantile(Double.parseDouble(s.labelValues.get(q)), s.value));
      }
    }
    return builder.build();
  }

  private static MetricSnapshot nativeFamily(NativeFamily family) {
    if (family.points().isEmpty()) {
      return null;
    }
    HistogramSnapshot.Builder builder =
        HistogramSnapshot.builder().name(family.name()).help(family.help());
    for (NativePoint p : family.points()) {
      HistogramDataPointSnapshot.Builder point =
          HistogramDataPointSnapshot.builder()
              .labels(Labels.of(p.labelNames(), p.labelValues()))
              .nativeSchema(p.schema())
              .nativeZeroCount(p.zeroCount())
              .nativeZeroThreshold(0)
              .nativeBucketsForPositiveValues(
                  NativeHistogramBuckets.of(p.positiveIndexes(), p.positiveCounts()))
              .nativeBucketsForNegativeValues(
                  NativeHistogramBuckets.of(p.negativeIndexes(), p.negativeCounts()))
              .sum(p.sum());
      if (p.exemplar() != null) {
        point.exemplars(Exemplars.of(exemplar(p.exemplar())));
      }
      builder.dataPoint(point.build());
    }
    return builder.build();
  }

  private static Exemplar exemplar(io.prometheus.client.exemplars.Exemplar e) {
    int n = e.getNumberOfLabels();
    String[] names = new String[n];
    String[] values = new String[n];
    for (int i = 0; i < n; i++) {
      names[i] = e.getLabelName(i);
      values[i] = e.getLabelValue(i);
    }
    Exemplar.Builder builder =
        Exemplar.builder().value(e.getValue()).labels(Labels.of(names, values));
    if (e.getTimestampMs() != null) {
      builder.timestampMillis(e.getTimestampMs());
    }
    return builder.build();
  }
}

package dev.perftrace.report.internal;

import io.prometheus.metrics.expositionformats.generated.Metrics;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Parses the Prometheus protobuf exposition ({@code application/vnd.google.protobuf;
 * proto=io.prometheus.client.MetricFamily; encoding=delimited}) with the generated classes of
 * Prometheus client_java's {@code prometheus-metrics-exposition-formats}. Counters, gauges and
 * untyped values become samples under the family name; classic histograms become {@code _bucket}
 * (cumulative, {@code le}), {@code _count} and {@code _sum} samples and summaries {@code
 * {quantile}}, {@code _count} and {@code _sum}, as in the text format; native histograms (a
 * schema, zero bucket or spans) become {@link NativeHistogram}s, their classic buckets, if any,
 * ignored as Prometheus 2.42 does when it stores native histograms.
 *
 * <p>Thread safety: stateless; safe for concurrent use.
 */
public final class ProtobufExpositionParser {

  /** The media type prefix of the protobuf exposition. */
  public static final String MEDIA_TYPE = "application/vnd.google.protobuf";

  private ProtobufExpositionParser() {}

  /**
   * Parses length-delimited {@code MetricFamily} messages.
   *
   * @throws ExpositionFormatException when the bytes are not such messages
   */
  public static Exposition parse(byte[] body) {
    List<Sample> samples = new ArrayList<>();
    Map<String, String> types = new HashMap<>();
    List<NativeHistogram> natives = new ArrayList<>();
    InputStream in = new ByteArrayInputStream(body);
    int index = 0;
    try {
      Metrics.MetricFamily family;
      while ((family = Metrics.MetricFamily.parseDelimitedFrom(in)) != null) {
        index++;
        String name = family.getName();
        types.putIfAbsent(name, family.getType().name().toLowerCase(Locale.ROOT));
        for (Metrics.Metric metric : family.getMetricList()) {
          Map<String, String> labels = new TreeMap<>();
          for (Metrics.LabelPair pair : metric.getLabelList()) {
            labels.put(pair.getName(), pair.getValue());
          }
          switch (family.getType()) {
            case COUNTER:
              samples.add(new Sample(name, labels, metric.getCounter().getValue()));
              break;
            case GAUGE:
              samples.add(new Sample(name, labels, metric.getGauge().getValue()));
              break;
            case UNTYPED:
              samples.add(new Sample(name, labels, metric.getUntyped().getValue()));
              break;
            case SUMMARY:
              summary(name, labels, metric.getSummary(), samples);
              break;
            case HISTOGRAM:
            case GAUGE_HISTOGRAM:
              histogram(name, labels, metric.getHistogram(), samples, natives);
              break;
            default:
              break;
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new ExpositionFormatException(
          "not a protobuf exposition (message " + (index + 1) + "): " + e.getMessage(), e);
    }
    return new Exposition(samples, types, natives);
  }

  private static void summary(
      String name, Map<String, String> labels, Metrics.Summary summary, List<Sample> samples) {
    for (Metrics.Quantile q : summary.getQuantileList()) {
      Map<String, String> withQuantile = new TreeMap<>(labels);
      withQuantile.put("quantile", Double.toString(q.getQuantile()));
      samples.add(new Sample(name, withQuantile, q.getValue()));
    }
    samples.add(new Sample(name + "_count", labels, summary.getSampleCount()));
    samples.add(new Sample(name + "_sum", labels, summary.getSampleSum()));
  }

  private static void histogram(
      String name,
      Map<String, String> labels,
      Metrics.Histogram h,
      List<Sample> samples,
      List<NativeHistogram> natives) {
    double count = h.getSampleCount() > 0 ? h.getSampleCount() : h.getSampleCountFloat();
    if (isNative(h)) {
      double zeroCount = h.getZeroCount() > 0 ? h.getZeroCount() : h.getZeroCountFloat();
      natives.add(
          new NativeHistogram(
              name,
              labels,
              h.getSchema(),
              h.getZeroThreshold(),
              zeroCount,
              count,
              h.getSampleSum(),
              buckets(h.getPositiveSpanList(), h.getPositiveDeltaList(), h.getPositiveCountList()),
              buckets(
                  h.getNegativeSpanList(), h.getNegativeDeltaList(), h.getNegativeCountList())));
      return;
    }
    for (Metrics.Bucket b : h.getBucketList()) {
      Map<String, String> withLe = new TreeMap<>(labels);
      withLe.put(Names.LE, b.getUpperBound() == Double.POSITIVE_INFINITY
          ? "+Inf"
          : Double.toString(b.getUpperBound()));
      double cumulative =
          b.getCumulativeCount() > 0 ? b.getCumulativeCount() : b.getCumulativeCountFloat();
      samples.add(new Sample(name + "_bucket", withLe, cumulative));
    }
    boolean hasInf =
        h.getBucketList().stream().anyMatch(b -> b.getUpperBound() == Double.POSITIVE_INFINITY);
    if (!hasInf) {
      Map<String, String> withLe = new TreeMap<>(labels);
      withLe.put(Names.LE, "+Inf");
      samples.add(new Sample(name + "_bucket", withLe, count));
    }
    samples.add(new Sample(name + "_count", labels, count));
    samples.add(new Sample(name + "_sum", labels, h.getSampleSum()));
  }

  /** As Prometheus 2.42 decides it: native when it has a zero bucket, spans or a schema. */
  private static boolean isNative(Metrics.Histogram h) {
    return h.getPositiveSpanCount() > 0
        || h.getNegativeSpanCount() > 0
        || h.getZeroCount() > 0
        || h.getZeroCountFloat() > 0
        || h.getZeroThreshold() > 0
        || h.getSchema() != 0;
  }

  /** Absolute counts by Prometheus bucket index from spans and deltas (or float counts). */
  static Map<Integer, Double> buckets(
      List<Metrics.BucketSpan> spans, List<Long> deltas, List<Double> floatCounts) {
    Map<Integer, Double> out = new TreeMap<>();
    int index = 0;
    int position = 0;
    long count = 0;
    for (Metrics.BucketSpan span : spans) {
      index += span.getOffset();
      for (int i = 0; i < span.getLength(); i++, index++, position++) {
        double value;
        if (!deltas.isEmpty()) {
          count += deltas.get(position);
          value = count;
        } else {
          value = floatCounts.get(position);
        }
        if (value != 0) {
          out.put(index, value);
        }
      }
    }
    return out;
  }
}

package dev.perftrace.report.internal;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Locale;

/**
 * Reads a scrape endpoint. Each {@link #next} scrapes once; from the second call on, rates are
 * computed against the previous scrape.
 *
 * <p>Thread safety: not thread-safe (keeps the previous scrape); use from one thread.
 */
public final class ScrapeSource implements ReportSource {

  /**
   * Prefers the protobuf exposition (native histograms), then OpenMetrics, accepts the text
   * format 0.0.4.
   */
  static final String ACCEPT =
      "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited,"
          + "application/openmetrics-text;version=1.0.0;q=0.9,text/plain;version=0.0.4;q=0.5,"
          + "*/*;q=0.1";

  private final URI endpoint;
  private ScrapeAggregator.Snapshot previous;

  public ScrapeSource(URI endpoint) {
    this.endpoint = requireNonNull(endpoint, "endpoint");
  }

  @Override
  public ReportData next(long nanoTime) {
    Http.BinaryResponse response = Http.getBytes(endpoint, ACCEPT);
    String contentType = response.contentType().toLowerCase(Locale.ROOT);
    boolean openMetrics = contentType.startsWith("application/openmetrics-text");
    Exposition exposition;
    try {
      exposition =
          contentType.startsWith(ProtobufExpositionParser.MEDIA_TYPE)
              ? ProtobufExpositionParser.parse(response.body())
              : ExpositionParser.parse(response.text(), openMetrics);
    } catch (ExpositionFormatException e) {
      throw new UncheckedIOException(
          new IOException("unparsable exposition from " + endpoint + ": " + e.getMessage(), e));
    }
    ScrapeAggregator.Result result =
        ScrapeAggregator.aggregate(exposition, "scrape", endpoint.toString(), previous, nanoTime);
    previous = result.snapshot();
    return result.data();
  }
}

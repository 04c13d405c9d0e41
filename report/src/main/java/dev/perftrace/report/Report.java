package dev.perftrace.report;

import static java.util.Objects.requireNonNull;

import dev.perftrace.report.internal.ExpositionParser;
import dev.perftrace.report.internal.PrometheusSource;
import dev.perftrace.report.internal.Renderer;
import dev.perftrace.report.internal.ReportData;
import dev.perftrace.report.internal.ScrapeAggregator;
import dev.perftrace.report.internal.ScrapeSource;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;

/**
 * A performance report built from PerfTrace metrics: per operation count, rate, mean, p50/p95/p99
 * and error ratio; bytes by direction and source; cache hit ratio per cache and tier; the slowest
 * operations; and recommendations against {@link Thresholds}. Thread safety: immutable once
 * built; {@link #render} is safe for concurrent use.
 *
 * <p>The factories block on the network for at most their HTTP timeouts (5 s to connect, 15 s per
 * request); call them off latency-sensitive threads.
 *
 * <p>From a scrape endpoint or an exposition, figures are cumulative since the process started
 * and rates are not available (one scrape has no time span: they print as {@code n/a}); the
 * command's watch mode computes them from two scrapes. From a Prometheus server, every figure is
 * computed by Prometheus over the window ({@code increase}, {@code rate}, {@code
 * histogram_quantile}).
 *
 * <pre>{@code
 * Report report = Report.fromScrape(URI.create("http://localhost:9464/metrics"));
 * String markdown = report.render(ReportFormat.MARKDOWN);
 * }</pre>
 */
public final class Report {

  /** Slowest operations listed by {@link #render(ReportFormat)}. */
  static final int DEFAULT_TOP = 5;

  private final ReportData data;

  private Report(ReportData data) {
    this.data = data;
  }

  static Report of(ReportData data) {
    return new Report(requireNonNull(data, "data"));
  }

  /**
   * Scrapes {@code metricsEndpoint} once (Prometheus text 0.0.4 or OpenMetrics) and builds the
   * report.
   *
   * @throws java.io.UncheckedIOException when the endpoint is unreachable, answers other than 2xx,
   *     or serves an unparsable exposition
   */
  public static Report fromScrape(URI metricsEndpoint) {
    requireNonNull(metricsEndpoint, "metricsEndpoint");
    return new Report(new ScrapeSource(metricsEndpoint).next(System.nanoTime()));
  }

  /**
   * Queries the Prometheus server at {@code server} (its base URI, for example {@code
   * http://localhost:9090}) over the last {@code window}.
   *
   * @throws IllegalArgumentException when {@code window} is not positive
   * @throws java.io.UncheckedIOException when the server is unreachable or refuses a query
   */
  public static Report fromPrometheus(URI server, Duration window) {
    requireNonNull(server, "server");
    requireNonNull(window, "window");
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("window must be positive, was " + window);
    }
    return new Report(
        new PrometheusSource(server, window, Clock.systemUTC()).next(System.nanoTime()));
  }

  /**
   * Parses a Prometheus text 0.0.4 or OpenMetrics exposition and builds the report.
   *
   * @throws IllegalArgumentException when {@code text} is not a valid exposition (the message
   *     names the line)
   */
  public static Report fromExposition(String text) {
    requireNonNull(text, "text");
    return new Report(
        ScrapeAggregator.aggregate(
                ExpositionParser.parse(text, false), "exposition", "(text)", null, 0L)
            .data());
  }

  /** Renders the report, listing the 5 slowest operations. */
  public String render(ReportFormat format) {
    return render(format, DEFAULT_TOP);
  }

  String render(ReportFormat format, int top) {
    requireNonNull(format, "format");
    if (top < 1) {
      throw new IllegalArgumentException("top must be at least 1, was " + top);
    }
    switch (format) {
      case TEXT:
        return Renderer.text(data, top);
      case MARKDOWN:
        return Renderer.markdown(data, top);
      case JSON:
        return Renderer.json(data, top, true);
      default:
        throw new AssertionError(format);
    }
  }

  ReportData data() {
    return data;
  }

  @Override
  public String toString() {
    return "Report[" + data.source().kind() + " " + data.source().location() + "]";
  }
}

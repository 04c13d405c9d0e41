package dev.perftrace.report.internal;

/**
 * Where report figures come from: a scrape endpoint or a Prometheus server.
 *
 * <p>Thread safety: implementations say.
 */
public interface ReportSource {

  /**
   * Reads the source now ({@code nanoTime} from a monotonic ticker) and returns the figures.
   *
   * @throws java.io.UncheckedIOException when the source is unreachable or its answer unparsable
   */
  ReportData next(long nanoTime);
}

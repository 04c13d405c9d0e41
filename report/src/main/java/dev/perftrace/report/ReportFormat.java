package dev.perftrace.report;

/**
 * The output formats of a {@link Report}. Thread safety: an enum; immutable and safe for
 * concurrent use.
 */
public enum ReportFormat {
  /** Aligned plain-text tables for a terminal. */
  TEXT,
  /** GitHub-flavoured Markdown: headings and pipe tables. */
  MARKDOWN,
  /** One JSON object; absent or undefined figures are {@code null}. */
  JSON
}

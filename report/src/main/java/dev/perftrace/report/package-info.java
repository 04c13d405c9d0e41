/**
 * The PerfTrace report: reads a Prometheus scrape endpoint or a Prometheus server's HTTP API and
 * renders per-operation latency, bandwidth, cache-tier hit ratios, the slowest operations and
 * recommendations as text, Markdown or JSON. Entry points: {@link dev.perftrace.report.Report}
 * (library use) and {@link dev.perftrace.report.ReportCommand} (command line). Types in {@code
 * dev.perftrace.report.internal} are not API.
 */
package dev.perftrace.report;

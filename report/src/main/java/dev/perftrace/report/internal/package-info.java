/**
 * Implementation of the PerfTrace report: the exposition parser, the bucket quantile, the two
 * sources, the recommendations and the renderers. Not API: anything here may change without
 * notice.
 */
package dev.perftrace.report.internal;

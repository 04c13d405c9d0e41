/**
 * PerfTrace instrumentation: byte-counting streams and channels ({@link
 * dev.perftrace.instrumentation.io.ByteCounting}) that add what passes into a {@link
 * dev.perftrace.Transfer} and record it once on close.
 */
package dev.perftrace.instrumentation.io;

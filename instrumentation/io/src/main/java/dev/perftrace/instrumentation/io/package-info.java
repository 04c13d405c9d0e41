/** PerfTrace instrumentation: byte-counting streams and channels. */
package dev.perftrace.instrumentation.io;

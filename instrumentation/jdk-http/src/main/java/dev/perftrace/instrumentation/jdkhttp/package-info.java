/**
 * PerfTrace instrumentation for the JDK HTTP client ({@link
 * dev.perftrace.instrumentation.jdkhttp.PerfTraceHttpClient}) and the JDK HTTP server ({@link
 * dev.perftrace.instrumentation.jdkhttp.PerfTraceHttpFilter}): an operation per exchange, trace
 * context and correlation ID carried in headers, body bytes counted by direction as they stream.
 */
package dev.perftrace.instrumentation.jdkhttp;

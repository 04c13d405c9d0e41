/** PerfTrace instrumentation: JDK HttpClient and HttpServer. */
package dev.perftrace.instrumentation.jdkhttp;

/** PerfTrace instrumentation: grpc-java interceptors. */
package dev.perftrace.instrumentation.grpc;

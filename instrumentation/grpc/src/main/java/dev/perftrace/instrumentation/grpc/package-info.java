/**
 * PerfTrace instrumentation for grpc-java: {@link dev.perftrace.instrumentation.grpc.PerfTraceGrpc}
 * gives client and server interceptors that make each call a PerfTrace operation.
 */
package dev.perftrace.instrumentation.grpc;

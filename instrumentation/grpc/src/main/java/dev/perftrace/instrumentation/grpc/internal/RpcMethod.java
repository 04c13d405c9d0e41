package dev.perftrace.instrumentation.grpc.internal;

import io.grpc.MethodDescriptor;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The names of a gRPC method as PerfTrace records them, computed once per method descriptor.
 *
 * <p>Thread safety: immutable; the cache is a concurrent map bounded by {@link #MAX_CACHED}
 * (descriptors beyond it are resolved on every call, allocating a little).
 */
final class RpcMethod {
  static final String RPC_SYSTEM = "rpc.system";
  static final String RPC_SERVICE = "rpc.service";
  static final String RPC_METHOD = "rpc.method";
  static final String RPC_GRPC_STATUS_CODE = "rpc.grpc.status_code";
  static final String MESSAGES_SENT = "perftrace.rpc.messages.sent";
  static final String MESSAGES_RECEIVED = "perftrace.rpc.messages.received";
  static final String GRPC = "grpc";

  static final int MAX_CACHED = 1024;
  private static final ConcurrentHashMap<MethodDescriptor<?, ?>, RpcMethod> CACHE =
      new ConcurrentHashMap<>();

  /** {@code <service>/<method>}: the span and operation name. */
  final String fullName;
  final String service;
  final String method;

  private RpcMethod(String fullName, String service, String method) {
    this.fullName = fullName;
    this.service = service;
    this.method = method;
  }

  static RpcMethod of(MethodDescriptor<?, ?> descriptor) {
    RpcMethod cached = CACHE.get(descriptor);
    if (cached != null) {
      return cached;
    }
    String fullName = descriptor.getFullMethodName();
    String service = MethodDescriptor.extractFullServiceName(fullName);
    int slash = fullName.lastIndexOf('/');
    RpcMethod created =
        new RpcMethod(
            fullName, service == null ? "" : service, fullName.substring(slash + 1));
    if (CACHE.size() < MAX_CACHED) {
      CACHE.putIfAbsent(descriptor, created);
    }
    return created;
  }
}

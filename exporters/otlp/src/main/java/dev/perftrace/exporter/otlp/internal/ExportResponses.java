package dev.perftrace.exporter.otlp.internal;

import io.opentelemetry.sdk.common.export.GrpcResponse;
import io.opentelemetry.sdk.common.export.HttpResponse;
import java.lang.reflect.Method;

/**
 * Reads the gRPC or HTTP response (public SDK types) out of the exception OpenTelemetry's OTLP
 * exporters fail an export with. That exception ({@code
 * io.opentelemetry.exporter.internal.FailedExportException} and its nested {@code
 * GrpcExportException}/{@code HttpExportException}, 1.59..1.68) is internal and has no public
 * counterpart, so it is found by name and its public {@code getResponse()} called reflectively:
 * PerfTrace does not link to it, and an OpenTelemetry version that moves or changes it makes
 * these methods return null (the failure then counts as an outage) instead of failing to load.
 * Internal: not API.
 *
 * <p>Thread safety: stateless apart from a thread-safe per-class cache.
 */
final class ExportResponses {
  private static final String FAILED_EXPORT =
      "io.opentelemetry.exporter.internal.FailedExportException";

  /** {@code getResponse()} of a failed-export exception class, or null for any other class. */
  private static final ClassValue<Method> GET_RESPONSE =
      new ClassValue<>() {
        @Override
        protected Method computeValue(Class<?> type) {
          for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (c.getName().equals(FAILED_EXPORT)) {
              try {
                return type.getMethod("getResponse");
              } catch (NoSuchMethodException | SecurityException e) {
                return null;
              }
            }
          }
          return null;
        }
      };

  private ExportResponses() {}

  /** The gRPC response {@code error} carries, or null. */
  static GrpcResponse grpc(Throwable error) {
    Object response = response(error);
    return response instanceof GrpcResponse ? (GrpcResponse) response : null;
  }

  /** The HTTP response {@code error} carries, or null. */
  static HttpResponse http(Throwable error) {
    Object response = response(error);
    return response instanceof HttpResponse ? (HttpResponse) response : null;
  }

  private static Object response(Throwable error) {
    if (error == null) {
      return null;
    }
    Method getResponse = GET_RESPONSE.get(error.getClass());
    if (getResponse == null) {
      return null;
    }
    try {
      return getResponse.invoke(error);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}

package dev.perftrace.exporter.otlp.internal.grpc;

import io.opentelemetry.sdk.common.export.GrpcResponse;
import io.opentelemetry.sdk.common.export.GrpcStatusCode;

/**
 * The outcome of a gRPC call handed to the exporter.
 *
 * <p>This class is internal and is not API. Thread safety: immutable (the message array is not
 * copied; nobody writes to it).
 */
final class SimpleGrpcResponse implements GrpcResponse {
  private final GrpcStatusCode statusCode;
  private final String statusDescription;
  private final byte[] message;

  SimpleGrpcResponse(GrpcStatusCode statusCode, String statusDescription, byte[] message) {
    this.statusCode = statusCode;
    this.statusDescription = statusDescription;
    this.message = message;
  }

  @Override
  public GrpcStatusCode getStatusCode() {
    return statusCode;
  }

  @Override
  public String getStatusDescription() {
    return statusDescription;
  }

  @Override
  public byte[] getResponseMessage() {
    return message;
  }

  @Override
  public String toString() {
    return "GrpcResponse{" + statusCode + (statusDescription == null ? "" : ": " + statusDescription) + "}";
  }
}

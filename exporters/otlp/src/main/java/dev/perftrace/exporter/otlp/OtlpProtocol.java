package dev.perftrace.exporter.otlp;

import static java.util.Objects.requireNonNull;

/**
 * The OTLP transports: gRPC (through grpc-java) and HTTP with protobuf bodies.
 *
 * <p>Thread safety: an immutable enum.
 */
public enum OtlpProtocol {
  /** OTLP/gRPC over grpc-java ({@code otel.exporter.otlp.protocol=grpc}). */
  GRPC("grpc"),
  /** OTLP/HTTP with protobuf bodies ({@code otel.exporter.otlp.protocol=http/protobuf}). */
  HTTP_PROTOBUF("http/protobuf");

  private final String configValue;

  OtlpProtocol(String configValue) {
    this.configValue = configValue;
  }

  /** Returns the value used in {@code otel.exporter.otlp.protocol}. */
  public String configValue() {
    return configValue;
  }

  /**
   * Returns the protocol for a {@code otel.exporter.otlp.protocol} value.
   *
   * @throws IllegalArgumentException naming the accepted values when {@code value} is unknown
   *     ({@code http/json} is not supported)
   */
  public static OtlpProtocol fromConfigValue(String value) {
    requireNonNull(value, "value");
    for (OtlpProtocol protocol : values()) {
      if (protocol.configValue.equals(value.trim())) {
        return protocol;
      }
    }
    throw new IllegalArgumentException(
        "unsupported OTLP protocol '" + value + "' (accepted: grpc, http/protobuf)");
  }
}

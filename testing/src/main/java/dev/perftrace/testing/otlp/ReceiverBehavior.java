package dev.perftrace.testing.otlp;

/**
 * How an OTLP test receiver answers export requests, switchable at run time to exercise an
 * exporter's resilience.
 *
 * <p>Thread safety: an immutable enum.
 */
public enum ReceiverBehavior {
  /** Record the request and answer success. */
  ACCEPT,
  /** Answer gRPC {@code UNAVAILABLE} (HTTP 503) without recording the request. */
  UNAVAILABLE,
  /**
   * Never answer until the behavior changes or the receiver closes (the client's deadline must
   * fire). The request is not recorded.
   */
  HANG
}

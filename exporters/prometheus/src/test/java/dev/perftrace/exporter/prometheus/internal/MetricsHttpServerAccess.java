package dev.perftrace.exporter.prometheus.internal;

import java.util.List;

/** Test access to the package-private negotiation of {@link MetricsHttpServer}. */
public final class MetricsHttpServerAccess {

  private MetricsHttpServerAccess() {}

  /** {@link MetricsHttpServer#chooseContentType(List, boolean)} of one Accept line. */
  public static String choose(String accept, boolean protobufAvailable) {
    return MetricsHttpServer.chooseContentType(List.of(accept), protobufAvailable);
  }
}

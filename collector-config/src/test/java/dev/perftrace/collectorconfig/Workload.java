package dev.perftrace.collectorconfig;

/** A running metrics endpoint that Prometheus scrapes in {@link RuleEvaluationIT}. */
final class Workload implements AutoCloseable {

  private final String hostPort;
  private final AutoCloseable resource;

  Workload(String hostPort, AutoCloseable resource) {
    this.hostPort = hostPort;
    this.resource = resource;
  }

  /** The scrape target, {@code host:port}; the path is {@code /metrics}. */
  String hostPort() {
    return hostPort;
  }

  @Override
  public void close() {
    try {
      resource.close();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("closing the workload failed", e);
    }
  }
}

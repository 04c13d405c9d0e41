package dev.perftrace.collectorconfig;

/** Where the metrics scraped by the integration tests come from (test helper). */
final class WorkloadSource {

  private WorkloadSource() {}

  /**
   * The one place that knows the scrape source. Until the demo application lands this is a
   * stand-in serving the series of docs/telemetry.md; then it becomes
   * {@code DemoApp.start("--duration=PT60S", "--prometheus-port=0", "--report=none")} with target
   * {@code "127.0.0.1:" + app.prometheusPort()}.
   */
  static Workload start() {
    return SchemaStandInEndpoint.start(ConfigFiles.telemetrySchema());
  }
}

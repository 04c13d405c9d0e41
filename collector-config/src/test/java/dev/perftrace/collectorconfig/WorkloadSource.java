package dev.perftrace.collectorconfig;

import dev.perftrace.demo.DemoApp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the metrics scraped by the integration tests come from (test helper). */
final class WorkloadSource {

  private WorkloadSource() {}

  /**
   * The one place that knows the scrape source: the demo application, running its real workload
   * in the background (long enough for every test of a class), with an ephemeral Prometheus port
   * and its OTLP-JSON file in a temporary directory.
   */
  static Workload start() {
    try {
      Path otlpFile = Files.createTempFile("perftrace-collector-config-", ".jsonl");
      DemoApp app =
          DemoApp.start(
              "--duration=PT90S",
              "--prometheus-port=0",
              "--report=none",
              "--no-progress",
              "--otlp-file=" + otlpFile);
      return new Workload(
          "127.0.0.1:" + app.prometheusPort(),
          () -> {
            app.close();
            Files.deleteIfExists(otlpFile);
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

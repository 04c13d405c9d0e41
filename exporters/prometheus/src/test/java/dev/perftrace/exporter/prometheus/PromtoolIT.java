package dev.perftrace.exporter.prometheus;

import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static org.assertj.core.api.Assertions.assertThat;

import dev.perftrace.testing.ExternalBinaries;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code promtool check metrics} accepts the text-format (0.0.4) exposition of the endpoint. */
class PromtoolIT {

  @Test
  void checkMetrics_text004Exposition_noProblems() throws Exception {
    Path promtool = ExternalBinaries.require("promtool", "prometheus");
    try (Fixture f = new Fixture(PrometheusExporter.builder().setPort(0).build())) {
      recordPerfTraceMetrics(f);
      HttpResponse<String> scrape =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + f.exporter.port() + "/metrics"))
                      .timeout(Duration.ofSeconds(10))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(scrape.headers().firstValue("Content-Type"))
          .contains("text/plain; version=0.0.4; charset=utf-8");

      Process process =
          new ProcessBuilder(promtool.toString(), "check", "metrics")
              .redirectErrorStream(true)
              .start();
      try (OutputStream stdin = process.getOutputStream()) {
        stdin.write(scrape.body().getBytes(StandardCharsets.UTF_8));
      }
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("promtool finished").isTrue();

      assertThat(output).as("promtool output for:\n" + scrape.body()).isEmpty();
      assertThat(process.exitValue()).isZero();
    }
  }

  private static void recordPerfTraceMetrics(Fixture f) {
    Meter meter = f.meter("com.example.store");
    Attributes get =
        Attributes.of(
            stringKey("perftrace.operation.name"), "store.get",
            stringKey("perftrace.operation.outcome"), "success");
    DoubleHistogram duration =
        meter.histogramBuilder("perftrace.operation.duration").setUnit("s")
            .setDescription("Duration of operations")
            .setExplicitBucketBoundariesAdvice(List.of(0.005, 0.01, 0.1, 1.0)).build();
    f.inSpan(() -> duration.record(0.02, get));
    meter.upDownCounterBuilder("perftrace.operation.active").setUnit("{operation}")
        .setDescription("Operations in flight").build()
        .add(1, Attributes.of(stringKey("perftrace.operation.name"), "store.get"));
    Attributes out =
        Attributes.of(
            stringKey("network.io.direction"), "transmit",
            stringKey("perftrace.transfer.source"), "peer-a");
    LongCounter bytes = meter.counterBuilder("perftrace.transfer.io").setUnit("By")
        .setDescription("Bytes transferred").build();
    f.inSpan(() -> bytes.add(4096, out));
    meter.histogramBuilder("perftrace.transfer.size").setUnit("By")
        .setDescription("Size of transfers")
        .setExplicitBucketBoundariesAdvice(List.of(64.0, 256.0, 1024.0, 4096.0)).build()
        .record(4096, out);
    meter.counterBuilder("perftrace.cache.requests").setUnit("{request}")
        .setDescription("Cache tier requests").build()
        .add(2, Attributes.of(
            stringKey("perftrace.cache.name"), "content",
            stringKey("perftrace.cache.tier"), "memory",
            stringKey("perftrace.cache.result"), "hit"));
    meter.gaugeBuilder("jvm.cpu.recent_utilization").setUnit("1")
        .setDescription("Recent CPU utilization").buildWithCallback(m -> m.record(0.5));
  }
}

package dev.perftrace.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perftrace.report.ReportCommandTest.FakeTicker;
import dev.perftrace.report.ReportCommandTest.Run;
import dev.perftrace.testing.ClosedPort;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WatchModeTest {

  /** Request n serves an operation count of 10 * n^2 and 1000 * n received bytes. */
  private static String growing(int n) {
    return "perftrace_operation_duration_seconds_count{perftrace_operation_name=\"get\"} "
        + (10 * n * n)
        + "\nperftrace_operation_duration_seconds_sum{perftrace_operation_name=\"get\"} 1\n"
        + "perftrace_transfer_io_bytes_total{network_io_direction=\"receive\",perftrace_transfer_source=\"p\"} "
        + (1000 * n)
        + "\n";
  }

  private static List<JsonNode> frames(String jsonLines) throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    List<JsonNode> frames = new ArrayList<>();
    for (String line : jsonLines.split("\n")) {
      frames.add(mapper.readTree(line));
    }
    return frames;
  }

  @Test
  void watch_json_printsOneDocumentPerRefresh() throws IOException {
    try (ExpositionServer server = ExpositionServer.serving(WatchModeTest::growing)) {
      Run run =
          ReportCommandTest.run(
              new FakeTicker(), 3, "--scrape", server.metrics().toString(), "--watch", "2s",
              "--format", "json");
      assertThat(run.code()).isEqualTo(0);
      assertThat(frames(run.out())).hasSize(3);
      assertThat(server.requests()).isEqualTo(3);
    }
  }

  @Test
  void watch_firstFrame_hasNoRate() throws IOException {
    try (ExpositionServer server = ExpositionServer.serving(WatchModeTest::growing)) {
      Run run =
          ReportCommandTest.run(
              new FakeTicker(), 3, "--scrape", server.metrics().toString(), "--watch", "2s",
              "--format", "json");
      JsonNode first = frames(run.out()).get(0);
      assertThat(first.path("operations").get(0).path("rate_per_second").isNull()).isTrue();
      assertThat(first.path("source").path("rates_available").asBoolean()).isFalse();
    }
  }

  @Test
  void watch_laterFrames_rateIsIncreaseSincePreviousScrapeOverInterval() throws IOException {
    try (ExpositionServer server = ExpositionServer.serving(WatchModeTest::growing)) {
      Run run =
          ReportCommandTest.run(
              new FakeTicker(), 3, "--scrape", server.metrics().toString(), "--watch", "2s",
              "--format", "json");
      List<JsonNode> frames = frames(run.out());
      // counts 10, 40, 90 two seconds apart: 15/s then 25/s; bytes 1000 more each time: 500 B/s
      assertThat(frames.get(1).path("operations").get(0).path("rate_per_second").asDouble())
          .isEqualTo(15.0);
      assertThat(frames.get(2).path("operations").get(0).path("rate_per_second").asDouble())
          .isEqualTo(25.0);
      assertThat(frames.get(2).path("transfers").get(0).path("bytes_per_second").asDouble())
          .isEqualTo(500.0);
    }
  }

  @Test
  void watch_sleepsTheIntervalBetweenFramesOnly() {
    try (ExpositionServer server = ExpositionServer.serving(WatchModeTest::growing)) {
      FakeTicker ticker = new FakeTicker();
      ReportCommandTest.run(
          ticker, 3, "--scrape", server.metrics().toString(), "--watch", "1500ms");
      assertThat(ticker.sleeps).containsExactly(Duration.ofMillis(1500), Duration.ofMillis(1500));
    }
  }

  @Test
  void watch_text_clearsTheScreenBeforeEachFrame() {
    try (ExpositionServer server = ExpositionServer.serving(WatchModeTest::growing)) {
      Run run =
          ReportCommandTest.run(
              new FakeTicker(), 2, "--scrape", server.metrics().toString(), "--watch", "2s");
      String[] frames = run.out().split(java.util.regex.Pattern.quote(ReportCommand.CLEAR_SCREEN), -1);
      assertThat(frames).hasSize(3);
      assertThat(frames[0]).isEmpty();
      assertThat(frames[1]).startsWith("PerfTrace report\n").endsWith("Refreshing every 2s; Ctrl+C to stop.\n");
      assertThat(frames[2]).contains("rates over the last 2 s (two scrapes)").contains(" 15.00/s ");
    }
  }

  @Test
  void watch_firstReadFails_exitsOne() {
    FakeTicker ticker = new FakeTicker();
    Run run;
    try (ClosedPort closed = ClosedPort.open()) {
      run =
          ReportCommandTest.run(
              ticker, 3, "--scrape", closed.httpUrl() + "/metrics", "--watch", "2s");
    }
    assertThat(run.code()).isEqualTo(1);
    assertThat(ticker.sleeps).isEmpty();
  }

  @Test
  void watch_laterReadFails_reportsAndKeepsRefreshing() throws IOException {
    try (ExpositionServer server =
        ExpositionServer.serving(n -> n == 2 ? "garbage\n" : growing(n))) {
      Run run =
          ReportCommandTest.run(
              new FakeTicker(), 3, "--scrape", server.metrics().toString(), "--watch", "2s",
              "--format", "json");
      assertThat(run.code()).isEqualTo(0);
      assertThat(run.err()).startsWith("perftrace-report: unparsable exposition from ");
      List<JsonNode> frames = frames(run.out());
      assertThat(frames).hasSize(2);
      // 10 -> 90 over the 4 s since the last good scrape
      assertThat(frames.get(1).path("operations").get(0).path("rate_per_second").asDouble())
          .isEqualTo(20.0);
    }
  }
}

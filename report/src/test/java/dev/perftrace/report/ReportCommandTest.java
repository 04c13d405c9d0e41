package dev.perftrace.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perftrace.testing.ClosedPort;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportCommandTest {

  /** A ticker whose sleep only advances its own clock: no test ever waits. */
  static final class FakeTicker implements ReportCommand.Ticker {
    long now = 1_000_000_000L;
    final List<Duration> sleeps = new ArrayList<>();

    @Override
    public long nanoTime() {
      return now;
    }

    @Override
    public void sleep(Duration duration) {
      sleeps.add(duration);
      now += duration.toNanos();
    }
  }

  /** The outcome of one run: exit code, stdout, stderr. */
  record Run(int code, String out, String err) {}

  static Run run(FakeTicker ticker, long maxFrames, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        ReportCommand.execute(
            args, new PrintWriter(out), new PrintWriter(err), ticker, maxFrames);
    return new Run(code, out.toString(), err.toString());
  }

  static Run run(String... args) {
    return run(new FakeTicker(), 1, args);
  }

  @Test
  void execute_scrape_printsTheTextReportAndExitsZero() {
    try (ExpositionServer server =
        ExpositionServer.serving(n -> ReportTest.resource("fixture.prom"))) {
      Run run = run("--scrape", server.metrics().toString());
      assertThat(run.code()).isEqualTo(0);
      assertThat(run.out())
          .isEqualTo(
              ReportTest.resource("fixture.txt")
                  .replace("Source:  exposition (text)", "Source:  scrape " + server.metrics()));
      assertThat(run.err()).isEmpty();
    }
  }

  @Test
  void execute_formatMarkdown_printsMarkdown() {
    try (ExpositionServer server =
        ExpositionServer.serving(n -> ReportTest.resource("fixture.prom"))) {
      Run run = run("--scrape", server.metrics().toString(), "--format", "markdown");
      assertThat(run.code()).isEqualTo(0);
      assertThat(run.out())
          .isEqualTo(
              ReportTest.resource("fixture.md")
                  .replace(
                      "- Source: exposition `(text)`", "- Source: scrape `" + server.metrics() + "`"));
    }
  }

  @Test
  void execute_openMetricsEndpoint_isParsed() {
    try (ExpositionServer server =
        ExpositionServer.serving(
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
            200,
            n ->
                "# TYPE perftrace_operation_duration_seconds histogram\n"
                    + "perftrace_operation_duration_seconds_count{perftrace_operation_name=\"a\"} 4\n"
                    + "perftrace_operation_duration_seconds_sum{perftrace_operation_name=\"a\"} 2.0\n"
                    + "# EOF\n")) {
      Run run = run("--scrape", server.metrics().toString(), "--format", "json");
      assertThat(run.code()).isEqualTo(0);
      assertThat(run.out()).contains("\"mean_seconds\" : 0.5");
    }
  }

  @Test
  void execute_unreachableSource_exitsOne() {
    try (ClosedPort closed = ClosedPort.open()) {
      String url = closed.httpUrl() + "/metrics";
      Run run = run("--scrape", url);
      assertThat(run.code()).isEqualTo(1);
      assertThat(run.err()).startsWith("perftrace-report: cannot read " + url + ": ");
      assertThat(run.err().lines()).hasSize(1);
      assertThat(run.out()).isEmpty();
    }
  }

  @Test
  void execute_unparsableExposition_exitsOne() {
    try (ExpositionServer server = ExpositionServer.serving(n -> "not an exposition\n")) {
      Run run = run("--scrape", server.metrics().toString());
      assertThat(run.code()).isEqualTo(1);
      assertThat(run.err())
          .isEqualTo(
              "perftrace-report: unparsable exposition from "
                  + server.metrics()
                  + ": exposition line 1: bad value 'an' (column 7)\n");
    }
  }

  @Test
  void execute_httpError_exitsOne() {
    try (ExpositionServer server =
        ExpositionServer.serving(ExpositionServer.TEXT_004, 503, n -> "down")) {
      Run run = run("--scrape", server.metrics().toString());
      assertThat(run.code()).isEqualTo(1);
      assertThat(run.err())
          .isEqualTo("perftrace-report: " + server.metrics() + " answered HTTP 503: down\n");
    }
  }

  @Test
  void execute_prometheusUrlThatIsNoPrometheus_exitsOne() {
    try (ExpositionServer server = ExpositionServer.serving(n -> "")) {
      Run run = run("--prometheus", "http://127.0.0.1:" + server.port());
      assertThat(run.code()).isEqualTo(1);
      assertThat(run.err())
          .startsWith("perftrace-report: http://127.0.0.1:" + server.port() + "/api/v1/query?query=")
          .contains(" answered HTTP 404: ");
    }
  }

  @Test
  void execute_noSource_isAUsageError() {
    Run run = run();
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("Missing required argument").contains("Usage: perftrace-report");
  }

  @Test
  void execute_bothSources_isAUsageError() {
    Run run = run("--scrape", "http://127.0.0.1:1/metrics", "--prometheus", "http://127.0.0.1:1");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("mutually exclusive");
  }

  @Test
  void execute_unknownFormat_isAUsageError() {
    Run run = run("--scrape", "http://127.0.0.1:1/metrics", "--format", "yaml");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("Invalid value for option '--format'");
  }

  @Test
  void execute_malformedDuration_isAUsageError() {
    Run run = run("--prometheus", "http://127.0.0.1:1", "--window", "5 minutes");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("not a duration: '5 minutes'");
  }

  @Test
  void execute_zeroTop_isAUsageError() {
    Run run = run("--scrape", "http://127.0.0.1:1/metrics", "--top", "0");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("--top must be at least 1, was 0");
  }

  @Test
  void execute_zeroWatch_isAUsageError() {
    Run run = run("--scrape", "http://127.0.0.1:1/metrics", "--watch", "0s");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("--watch must be positive");
  }

  @Test
  void execute_unknownOption_isAUsageError() {
    Run run = run("--scrape", "http://127.0.0.1:1/metrics", "--colour");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("Unknown option: '--colour'");
  }

  @Test
  void execute_help_printsUsageAndExitsZero() {
    Run run = run("--help");
    assertThat(run.code()).isEqualTo(0);
    assertThat(run.out())
        .contains("Usage: perftrace-report")
        .contains("--scrape=URL")
        .contains("--prometheus=URL")
        .contains("--window=DURATION")
        .contains("--watch=DURATION")
        .contains("--top=N")
        .contains("2   usage error");
  }

  @Test
  void execute_top_limitsTheSlowestOperations() {
    try (ExpositionServer server =
        ExpositionServer.serving(n -> ReportTest.resource("fixture.prom"))) {
      Run run = run("--scrape", server.metrics().toString(), "--top", "1");
      assertThat(run.out())
          .contains("Slowest operations (top 1 by mean)\n  #  OPERATION     MEAN      P95  COUNT\n"
              + "  1  db.query   1.500 s  2.500 s     10\n\n");
    }
  }
}

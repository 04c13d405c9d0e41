package dev.perftrace.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Usage errors of the {@code --jaeger} options (exit 2, nothing contacted). */
class ReportJaegerOptionsTest {

  private static final String URL = "http://127.0.0.1:" + ClosedPort.find();

  @Test
  void jaegerWithoutCorrelationIdOrPatterns_isUsageError() {
    ReportCommandTest.Run run = ReportCommandTest.run("--jaeger", URL);

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("--jaeger needs exactly one of --correlation-id ID or --patterns");
  }

  @Test
  void bothCorrelationIdAndPatterns_isUsageError() {
    ReportCommandTest.Run run =
        ReportCommandTest.run("--jaeger", URL, "--correlation-id", "x", "--service", "s", "--patterns");

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("--jaeger needs exactly one of --correlation-id ID or --patterns");
  }

  @Test
  void patternsWithoutService_isUsageError() {
    ReportCommandTest.Run run = ReportCommandTest.run("--jaeger", URL, "--patterns");

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("--patterns needs --service NAME");
  }

  @Test
  void correlationIdWithPrometheus_isUsageError() {
    ReportCommandTest.Run run =
        ReportCommandTest.run("--prometheus", URL, "--correlation-id", "x");

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("--correlation-id, --service and --patterns need --jaeger");
  }
}

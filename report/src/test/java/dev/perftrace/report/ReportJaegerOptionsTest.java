package dev.perftrace.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perftrace.testing.ClosedPort;
import org.junit.jupiter.api.Test;

/** Usage errors of the {@code --jaeger} options (exit 2, nothing contacted). */
class ReportJaegerOptionsTest {

  /** Held (refusing connections) for the whole class: nothing may be contacted anyway. */
  private static final ClosedPort CLOSED = ClosedPort.open();

  private static final String URL = CLOSED.httpUrl();

  @org.junit.jupiter.api.AfterAll
  static void releasePort() {
    CLOSED.close();
  }

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

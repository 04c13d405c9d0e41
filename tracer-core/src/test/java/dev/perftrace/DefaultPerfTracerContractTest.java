package dev.perftrace;

import org.junit.jupiter.api.AfterEach;

class DefaultPerfTracerContractTest extends PerfTracerContract {
  private final TestTelemetry telemetry = new TestTelemetry();
  private final PerfTracer tracer = telemetry.tracer();

  @Override
  PerfTracer tracer() {
    return tracer;
  }

  @AfterEach
  void tearDown() {
    telemetry.close();
  }
}

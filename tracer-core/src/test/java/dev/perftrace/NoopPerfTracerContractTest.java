package dev.perftrace;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NoopPerfTracerContractTest extends PerfTracerContract {

  @Override
  PerfTracer tracer() {
    return PerfTracer.noop();
  }

  @Test
  void noop_isASingletonThatReturnsSharedHandles() {
    assertThat(PerfTracer.noop()).isSameAs(PerfTracer.noop());
    assertThat(PerfTracer.noop().start("a")).isSameAs(PerfTracer.noop().start("b"));
    assertThat(PerfTracer.noop().startTransfer(Direction.IN, "a"))
        .isSameAs(PerfTracer.noop().startTransfer(Direction.OUT, "b"));
    assertThat(PerfTracer.noop().correlate()).isSameAs(PerfTracer.noop().correlate("x"));
  }
}

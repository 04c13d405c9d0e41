package dev.perftrace;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Wrapped executors keep the {@code Executor} contract: a null task throws at once. */
class WrappedExecutorNullTest {
  private final TestTelemetry telemetry = new TestTelemetry();
  private final PerfTracer tracer = telemetry.tracer();
  private final ExecutorService pool = Executors.newSingleThreadExecutor();

  @AfterEach
  void tearDown() throws InterruptedException {
    pool.shutdownNow();
    pool.awaitTermination(10, TimeUnit.SECONDS);
    telemetry.close();
  }

  @Test
  void executorService_executeNullThrowsNullPointerException() {
    ExecutorService wrapped = tracer.wrap(pool);
    assertThatThrownBy(() -> wrapped.execute(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void executorService_submitNullThrowsNullPointerException() {
    ExecutorService wrapped = tracer.wrap(pool);
    assertThatThrownBy(() -> wrapped.submit((Runnable) null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> wrapped.submit((Callable<String>) null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> wrapped.submit((Runnable) null, "r"))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void executor_executeNullThrowsNullPointerException() {
    Executor wrapped = tracer.wrap((Executor) pool);
    assertThatThrownBy(() -> wrapped.execute(null)).isInstanceOf(NullPointerException.class);
  }
}

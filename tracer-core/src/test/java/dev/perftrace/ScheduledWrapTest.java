package dev.perftrace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Scheduled tasks, periodic runs included, run in the context current when scheduled. */
@SuppressWarnings("try") // try-with-resources scopes whose body does not touch the resource
class ScheduledWrapTest {
  private final TestTelemetry telemetry = new TestTelemetry();
  private final PerfTracer tracer = telemetry.tracer();
  private final ScheduledExecutorService pool = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void tearDown() throws InterruptedException {
    pool.shutdownNow();
    pool.awaitTermination(10, TimeUnit.SECONDS);
    telemetry.close();
  }

  @Test
  void schedule_callableRunsInTheSchedulersContext() throws Exception {
    ScheduledExecutorService wrapped = tracer.wrap(pool);
    ScheduledFuture<String> future;
    try (CorrelationScope request = tracer.correlate("req-12")) {
      future = wrapped.schedule(tracer::currentCorrelationId, 1, TimeUnit.MILLISECONDS);
    }

    assertThat(future.get(10, TimeUnit.SECONDS)).isEqualTo("req-12");
  }

  @Test
  void scheduleAtFixedRate_everyRunHasTheContext() throws Exception {
    ScheduledExecutorService wrapped = tracer.wrap(pool);
    List<String> seen = new CopyOnWriteArrayList<>();
    CountDownLatch threeRuns = new CountDownLatch(3);
    ScheduledFuture<?> periodic;
    try (CorrelationScope request = tracer.correlate("req-13")) {
      periodic =
          wrapped.scheduleAtFixedRate(
              () -> {
                seen.add(String.valueOf(tracer.currentCorrelationId()));
                threeRuns.countDown();
              },
              0,
              1,
              TimeUnit.MILLISECONDS);
    }

    assertThat(threeRuns.await(10, TimeUnit.SECONDS)).isTrue();
    periodic.cancel(false);
    assertThat(seen.size()).isGreaterThanOrEqualTo(3);
    assertThat(seen).allSatisfy(id -> assertThat(id).isEqualTo("req-13"));
    assertThat(pool.submit(tracer::currentCorrelationId).get(10, TimeUnit.SECONDS)).isNull();
  }

  @Test
  void schedule_nullTaskThrowsNullPointerException() {
    ScheduledExecutorService wrapped = tracer.wrap(pool);
    assertThatThrownBy(() -> wrapped.schedule((Runnable) null, 1, TimeUnit.MILLISECONDS))
        .isInstanceOf(NullPointerException.class);
  }
}

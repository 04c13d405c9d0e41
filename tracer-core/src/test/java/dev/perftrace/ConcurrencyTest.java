package dev.perftrace;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@SuppressWarnings("try") // try-with-resources scopes whose body does not touch the resource
class ConcurrencyTest {
  private static final int THREADS = 4;
  private static final int OPERATIONS_PER_THREAD = 2500;

  private final TestTelemetry telemetry = new TestTelemetry();
  private final PerfTracer tracer = telemetry.tracer();
  private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);

  @AfterEach
  void tearDown() throws InterruptedException {
    pool.shutdownNow();
    pool.awaitTermination(10, TimeUnit.SECONDS);
    telemetry.close();
  }

  private void runOnAllThreads(Callable<Void> work) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Void>> futures = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      futures.add(
          pool.submit(
              () -> {
                start.await();
                return work.call();
              }));
    }
    start.countDown();
    for (Future<Void> future : futures) {
      future.get(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void manyThreads_totalsAreExact() throws Exception {
    TieredCache cache = tracer.cache("content", "memory", "disk");
    runOnAllThreads(
        () -> {
          for (int i = 0; i < OPERATIONS_PER_THREAD; i++) {
            try (Operation op = tracer.start("op-" + (i % 10))) {
              tracer.recordBytes(Direction.IN, "peer-" + (i % 2), 10);
              cache.recordLookup("disk");
            }
          }
          return null;
        });

    int total = THREADS * OPERATIONS_PER_THREAD;
    long durationCount =
        telemetry.histogramPoints("perftrace.operation.duration").stream()
            .mapToLong(HistogramPointData::getCount)
            .sum();
    assertThat(durationCount).isEqualTo(total);
    assertThat(telemetry.histogramPoints("perftrace.operation.duration")).hasSize(10);
    assertThat(telemetry.histogram("perftrace.operation.duration",
            OperationTest.outcome("op-3", "success")).getCount())
        .isEqualTo(total / 10);
    assertThat(telemetry.sum("perftrace.transfer.io", BandwidthTest.transfer("receive", "peer-0")))
        .isEqualTo(total / 2 * 10L);
    assertThat(telemetry.sum("perftrace.transfer.io", BandwidthTest.transfer("receive", "peer-1")))
        .isEqualTo(total / 2 * 10L);
    Attributes memoryMiss =
        Attributes.of(PerfAttributes.CACHE_NAME, "content", PerfAttributes.CACHE_TIER, "memory",
            PerfAttributes.CACHE_RESULT, "miss");
    assertThat(telemetry.sum("perftrace.cache.requests", memoryMiss)).isEqualTo(total);
    assertThat(telemetry.sumPoints("perftrace.operation.active"))
        .hasSize(10)
        .allSatisfy(p -> assertThat(p.getValue()).isZero());
    List<SpanData> spans = telemetry.spans();
    assertThat(spans).hasSize(total);
    assertThat(spans)
        .allSatisfy(
            span -> {
              assertThat(span.getAttributes().get(PerfAttributes.BYTES_RECEIVED)).isEqualTo(10L);
              assertThat(span.getAttributes().get(PerfAttributes.CACHE_HITS)).isEqualTo(1L);
              assertThat(span.getAttributes().get(PerfAttributes.CACHE_MISSES)).isEqualTo(1L);
            });
  }

  @Test
  void sharedOperation_totalsFromManyThreadsAreExact() throws Exception {
    ExecutorService wrapped;
    try (Operation op = tracer.start("fan-out")) {
      wrapped = tracer.wrap(pool);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        futures.add(
            wrapped.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < 1000; i++) {
                    tracer.recordBytes(Direction.OUT, "peer", 3);
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> future : futures) {
        future.get(60, TimeUnit.SECONDS);
      }
    }

    assertThat(telemetry.span("fan-out").getAttributes().get(PerfAttributes.BYTES_SENT))
        .isEqualTo(THREADS * 1000 * 3L);
  }
}

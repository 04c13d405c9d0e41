package dev.perftrace;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.Attributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The in-flight, byte and cache counters are striped adders read at collection: the values are
 * those a synchronous counter would have reported, cumulative ones never decrease, the in-flight
 * count is exact, and a series appears only from its first record.
 */
@SuppressWarnings("try") // operations opened only to be closed
class ObservableCounterTest {
  private static final Attributes ACTIVE = Attributes.of(PerfAttributes.OPERATION_NAME, "work");
  private static final Attributes IN =
      Attributes.of(
          PerfAttributes.NETWORK_IO_DIRECTION, "receive", PerfAttributes.TRANSFER_SOURCE, "peer");
  private final TestTelemetry telemetry = new TestTelemetry();

  @AfterEach
  void tearDown() {
    telemetry.close();
  }

  @Test
  void active_exactAcrossThreads_andBackToZero() throws Exception {
    PerfTracer tracer = telemetry.tracer();
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch started = new CountDownLatch(threads);
    CountDownLatch release = new CountDownLatch(1);
    List<Future<?>> futures = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 1000; i++) {
                    tracer.start("work").close();
                  }
                  try (Operation op = tracer.start("work")) {
                    started.countDown();
                    release.await(10, TimeUnit.SECONDS);
                  }
                  return null;
                }));
      }
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(telemetry.sum("perftrace.operation.active", ACTIVE)).isEqualTo(threads);
      release.countDown();
      for (Future<?> f : futures) {
        f.get(10, TimeUnit.SECONDS);
      }
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
    assertThat(telemetry.sum("perftrace.operation.active", ACTIVE)).isZero();
  }

  @Test
  void transferIo_cumulativeAndMonotonic_acrossCollections() {
    PerfTracer tracer = telemetry.tracer();
    tracer.recordBytes(Direction.IN, "peer", 100);
    assertThat(telemetry.sum("perftrace.transfer.io", IN)).isEqualTo(100);
    assertThat(telemetry.sum("perftrace.transfer.io", IN)).isEqualTo(100);
    tracer.recordBytes(Direction.IN, "peer", 200);
    try (Transfer transfer = tracer.startTransfer(Direction.IN, "peer")) {
      transfer.chunk(5);
    }
    assertThat(telemetry.sum("perftrace.transfer.io", IN)).isEqualTo(305);
  }

  @Test
  void series_appearOnlyFromTheirFirstRecord() {
    PerfTracer tracer = telemetry.tracer();
    tracer.cache("content", "memory", "disk").recordHit("memory");
    tracer.startTransfer(Direction.OUT, "unused").close(); // a zero-byte transfer records 0
    tracer.recordDuration("only.duration", java.time.Duration.ofMillis(1));

    assertThat(telemetry.sumPoints("perftrace.cache.requests"))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getAttributes())
                  .isEqualTo(
                      Attributes.of(
                          PerfAttributes.CACHE_NAME,
                          "content",
                          PerfAttributes.CACHE_TIER,
                          "memory",
                          PerfAttributes.CACHE_RESULT,
                          "hit"));
              assertThat(p.getValue()).isEqualTo(1);
            });
    assertThat(telemetry.sumPoints("perftrace.cache.lookups")).isEmpty();
    assertThat(telemetry.sumPoints("perftrace.transfer.io"))
        .singleElement()
        .satisfies(p -> assertThat(p.getValue()).isZero());
    assertThat(telemetry.sumPoints("perftrace.operation.active")).isEmpty();
  }

  @Test
  void cacheCounters_sharedByTwoDeclarationsOfOneCache() {
    PerfTracer one = telemetry.tracer();
    PerfTracer two = telemetry.tracer();
    one.cache("content", "memory").recordLookup("memory");
    two.cache("content", "memory").recordLookup("memory");

    assertThat(
            telemetry.sum(
                "perftrace.cache.lookups",
                Attributes.of(
                    PerfAttributes.CACHE_NAME, "content", PerfAttributes.CACHE_SERVED_BY, "memory")))
        .isEqualTo(2);
  }
}

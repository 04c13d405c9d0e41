package dev.perftrace.benchmarks;

import dev.perftrace.Direction;
import dev.perftrace.PerfAttributes;
import dev.perftrace.PerfTracer;
import dev.perftrace.PerfTracerBuilder;
import dev.perftrace.TieredCache;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Bandwidth and cache-hit records with PerfTrace against a raw OpenTelemetry counter add with
 * precomputed attributes (the floor any metric record pays). Records happen outside any
 * operation, so no span totals are kept.
 *
 * <p>{@link #rawCounterAddAndSizeHistogram} is the raw equivalent of everything {@code
 * recordBytes} does (byte counter and transfer-size histogram), for reading the ratio.
 *
 * <p>Thread safety: JMH state; all instruments are thread-safe.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(1)
public class RecordBenchmark {

  static final String SOURCE = "peer-a";
  static final long BYTES = 1500;

  private BenchmarkSdk sdk;
  private PerfTracer perfTracer;
  private TieredCache cache;
  private LongCounter rawCounter;
  private LongHistogram rawSizeHistogram;
  private Attributes rawAttributes;

  /** Builds the SDK, the tracer, a two-tier cache and the raw instruments. */
  @Setup
  public void setUp(BenchmarkParams params) {
    sdk = BenchmarkSdk.create();
    perfTracer =
        PerfTracer.builder(sdk.openTelemetry(), OperationBenchmark.PERFTRACE_SCOPE)
            .setMdcEnabled(false)
            .build();
    cache = perfTracer.cache("content", "memory", "disk");
    Meter meter = sdk.openTelemetry().getMeter(OperationBenchmark.RAW_SCOPE);
    rawCounter = meter.counterBuilder("perftrace.transfer.io").setUnit("By").build();
    rawSizeHistogram =
        meter
            .histogramBuilder("perftrace.transfer.size")
            .setUnit("By")
            .ofLongs()
            .setExplicitBucketBoundariesAdvice(PerfTracerBuilder.DEFAULT_SIZE_BUCKETS)
            .build();
    rawAttributes =
        Attributes.of(
            PerfAttributes.NETWORK_IO_DIRECTION,
            Direction.OUT.attributeValue(),
            PerfAttributes.TRANSFER_SOURCE,
            SOURCE);

    String benchmark = params.getBenchmark();
    if (benchmark.endsWith(".perfTraceRecordBytes")) {
      perfTraceRecordBytes();
      sdk.requireMetric(OperationBenchmark.PERFTRACE_SCOPE, "perftrace.transfer.io");
    } else if (benchmark.endsWith(".perfTraceCacheHit")) {
      perfTraceCacheHit();
      sdk.requireMetric(OperationBenchmark.PERFTRACE_SCOPE, "perftrace.cache.requests");
    }
  }

  /** Closes the SDK. */
  @TearDown
  public void tearDown() {
    sdk.close();
  }

  /** PerfTrace: bytes sent to a source. */
  @Benchmark
  public void perfTraceRecordBytes() {
    perfTracer.recordBytes(Direction.OUT, SOURCE, BYTES);
  }

  /** PerfTrace: a hit of a cache tier. */
  @Benchmark
  public void perfTraceCacheHit() {
    cache.recordHit("memory");
  }

  /** Raw OpenTelemetry: one counter add with precomputed attributes. */
  @Benchmark
  public void rawCounterAdd() {
    rawCounter.add(BYTES, rawAttributes);
  }

  /** Raw OpenTelemetry: the counter add and the transfer-size histogram record. */
  @Benchmark
  public void rawCounterAddAndSizeHistogram() {
    rawCounter.add(BYTES, rawAttributes);
    rawSizeHistogram.record(BYTES, rawAttributes);
  }
}

package dev.perftrace.benchmarks;

import dev.perftrace.CorrelationScope;
import dev.perftrace.Direction;
import dev.perftrace.Operation;
import dev.perftrace.PerfTracer;
import dev.perftrace.TieredCache;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The no-op tracer ({@link PerfTracer#noop()}) against an empty method: the cost a library pays
 * for being instrumented when the application turns telemetry off. Target: 0 B/op and within a
 * few nanoseconds of {@link #emptyMethod}.
 *
 * <p>Thread safety: JMH state; the no-op tracer is stateless.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(1)
@SuppressWarnings("try") // scopes opened only to be closed are the point of these benchmarks
public class NoopBenchmark {

  private PerfTracer tracer;
  private TieredCache cache;

  /** Takes the no-op tracer from a field, as instrumented code would. */
  @Setup
  public void setUp() {
    tracer = PerfTracer.noop();
    cache = tracer.cache("content", "memory", "disk");
  }

  /** Baseline: an empty method. */
  @Benchmark
  public void emptyMethod() {
    // nothing
  }

  /** A no-op operation scope. */
  @Benchmark
  public void noopOperation() {
    try (Operation operation = tracer.start(OperationBenchmark.OPERATION)) {
      // the operation's body
    }
  }

  /** A no-op bandwidth record. */
  @Benchmark
  public void noopRecordBytes() {
    tracer.recordBytes(Direction.OUT, RecordBenchmark.SOURCE, RecordBenchmark.BYTES);
  }

  /** A no-op cache-tier hit. */
  @Benchmark
  public void noopCacheHit() {
    cache.recordHit("memory");
  }

  /** A no-op correlation scope. */
  @Benchmark
  public void noopCorrelate() {
    try (CorrelationScope scope = tracer.correlate(OperationBenchmark.CORRELATION_ID)) {
      // the request's work
    }
  }
}

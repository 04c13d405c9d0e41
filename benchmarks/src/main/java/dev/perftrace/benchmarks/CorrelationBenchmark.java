package dev.perftrace.benchmarks;

import dev.perftrace.CorrelationScope;
import dev.perftrace.PerfAttributes;
import dev.perftrace.PerfTracer;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.context.Context;
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

/**
 * Opening and closing a correlation scope with a given ID, against putting the same baggage
 * entry into the context with the raw OpenTelemetry API. The MDC is disabled on the PerfTrace
 * side (the raw side has none).
 *
 * <p>Thread safety: JMH state; scopes are opened and closed on the benchmark thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(1)
@SuppressWarnings("try") // scopes opened only to be closed are the point of these benchmarks
public class CorrelationBenchmark {

  private BenchmarkSdk sdk;
  private PerfTracer perfTracer;
  private String correlationId;

  /** Builds the SDK and the tracer, and checks the scope really carries the ID. */
  @Setup
  public void setUp() {
    sdk = BenchmarkSdk.create();
    perfTracer =
        PerfTracer.builder(sdk.openTelemetry(), OperationBenchmark.PERFTRACE_SCOPE)
            .setMdcEnabled(false)
            .build();
    correlationId = OperationBenchmark.CORRELATION_ID;
    try (CorrelationScope ignored = perfTracer.correlate(correlationId)) {
      if (!correlationId.equals(perfTracer.currentCorrelationId())) {
        throw new IllegalStateException(
            "PerfTracer.correlate did not make the ID current; is the real implementation in place?");
      }
    }
  }

  /** Closes the SDK. */
  @TearDown
  public void tearDown() {
    sdk.close();
  }

  /** PerfTrace: open and close a correlation scope (validates the ID, baggage, context). */
  @Benchmark
  public void perfTraceCorrelate() {
    try (CorrelationScope ignored = perfTracer.correlate(correlationId)) {
      // the request's work
    }
  }

  /** Raw OpenTelemetry: the same baggage entry made current and restored. */
  @Benchmark
  public void rawBaggageScope() {
    Context context = Context.current();
    try (io.opentelemetry.context.Scope ignored =
        Baggage.fromContext(context)
            .toBuilder()
            .put(PerfAttributes.CORRELATION_BAGGAGE_KEY, correlationId)
            .build()
            .storeInContext(context)
            .makeCurrent()) {
      // the request's work
    }
  }
}

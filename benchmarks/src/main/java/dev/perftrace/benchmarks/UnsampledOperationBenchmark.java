package dev.perftrace.benchmarks;

import dev.perftrace.CorrelationScope;
import dev.perftrace.Operation;
import dev.perftrace.PerfAttributes;
import dev.perftrace.PerfTracer;
import dev.perftrace.PerfTracerBuilder;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * {@link OperationBenchmark}'s PerfTrace and raw OpenTelemetry operations when the trace is not
 * sampled: sampler {@code parentbased_traceidratio} with ratio 0, so spans are non-recording
 * while the duration histogram and in-flight counter still record. Target: PerfTrace at most
 * 1.1x raw.
 *
 * <p>Thread safety: JMH state; shared instruments are thread-safe, per-thread context in {@link
 * Request}.
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(1)
@SuppressWarnings("try") // scopes opened only to be closed are the point of these benchmarks
public class UnsampledOperationBenchmark {
  static final String PERFTRACE_SCOPE = "bench.perftrace.unsampled";
  static final String RAW_SCOPE = "bench.raw.unsampled";

  private BenchmarkSdk sdk;
  private PerfTracer perfTracer;
  private Tracer rawTracer;
  private DoubleHistogram rawDuration;
  private LongUpDownCounter rawActive;
  private Attributes rawSuccessAttributes;
  private Attributes rawActiveAttributes;

  /** Builds the unsampled SDK and both contenders, and checks each really records metrics. */
  @Setup
  public void setUp(BenchmarkParams params) {
    sdk = BenchmarkSdk.create(Sampler.parentBased(Sampler.traceIdRatioBased(0)));
    OpenTelemetry otel = sdk.openTelemetry();
    perfTracer = PerfTracer.builder(otel, PERFTRACE_SCOPE).setMdcEnabled(false).build();
    rawTracer = otel.getTracer(RAW_SCOPE);
    Meter rawMeter = otel.getMeter(RAW_SCOPE);
    rawDuration =
        rawMeter
            .histogramBuilder(OperationBenchmark.DURATION)
            .setUnit("s")
            .setExplicitBucketBoundariesAdvice(PerfTracerBuilder.DEFAULT_DURATION_BUCKETS)
            .build();
    rawActive =
        rawMeter.upDownCounterBuilder(OperationBenchmark.ACTIVE).setUnit("{operation}").build();
    rawSuccessAttributes =
        Attributes.of(
            PerfAttributes.OPERATION_NAME,
            OperationBenchmark.OPERATION,
            PerfAttributes.OPERATION_OUTCOME,
            "success");
    rawActiveAttributes = Attributes.of(PerfAttributes.OPERATION_NAME, OperationBenchmark.OPERATION);

    String benchmark = params.getBenchmark();
    Request probe = new Request();
    probe.setUp(this);
    if (benchmark.endsWith(".perfTrace")) {
      perfTrace(probe);
      sdk.requireMetric(PERFTRACE_SCOPE, OperationBenchmark.DURATION);
    } else if (benchmark.endsWith(".rawOpenTelemetry")) {
      rawOpenTelemetry(probe);
      sdk.requireMetric(RAW_SCOPE, OperationBenchmark.DURATION);
    }
    if (sdk.exportedSpans() != 0) {
      throw new IllegalStateException("a span was sampled: the sampler is not ratio 0");
    }
  }

  /** Closes the SDK. */
  @TearDown
  public void tearDown() {
    sdk.close();
  }

  /** The request context of one benchmark thread: baggage holding the correlation ID. */
  @State(org.openjdk.jmh.annotations.Scope.Thread)
  public static class Request {
    Context context;

    /** Captures the context PerfTrace's correlation scope makes current. */
    @Setup
    public void setUp(UnsampledOperationBenchmark benchmark) {
      try (CorrelationScope ignored =
          benchmark.perfTracer.correlate(OperationBenchmark.CORRELATION_ID)) {
        context = Context.current();
      }
    }
  }

  /** A PerfTrace operation in an unsampled trace. */
  @Benchmark
  public void perfTrace(Request request) {
    try (Scope ignored = request.context.makeCurrent();
        Operation operation = perfTracer.start(OperationBenchmark.OPERATION)) {
      // the operation's body
    }
  }

  /** The same work with the raw OpenTelemetry API (as {@link OperationBenchmark}). */
  @Benchmark
  public void rawOpenTelemetry(Request request) {
    try (Scope ignored = request.context.makeCurrent()) {
      Context parent = Context.current();
      SpanBuilder builder =
          rawTracer
              .spanBuilder(OperationBenchmark.OPERATION)
              .setParent(parent)
              .setAttribute(PerfAttributes.OPERATION_NAME, OperationBenchmark.OPERATION);
      String correlationId =
          Baggage.fromContext(parent).getEntryValue(PerfAttributes.CORRELATION_BAGGAGE_KEY);
      if (correlationId != null) {
        builder.setAttribute(PerfAttributes.CORRELATION_ID, correlationId);
      }
      Span span = builder.startSpan();
      Context context = parent.with(span);
      rawActive.add(1, rawActiveAttributes);
      long start = System.nanoTime();
      try (Scope current = context.makeCurrent()) {
        // the operation's body
      } finally {
        long elapsed = System.nanoTime() - start;
        span.setAttribute(PerfAttributes.OPERATION_OUTCOME, "success"); // as PerfTrace at end
        span.end();
        rawDuration.record(elapsed / 1e9, rawSuccessAttributes, context);
        rawActive.add(-1, rawActiveAttributes);
      }
    }
  }
}

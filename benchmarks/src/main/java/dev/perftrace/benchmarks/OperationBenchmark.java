package dev.perftrace.benchmarks;

import dev.perftrace.CorrelationScope;
import dev.perftrace.Operation;
import dev.perftrace.PerfAttributes;
import dev.perftrace.PerfTracer;
import dev.perftrace.PerfTracerBuilder;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.TracingObservationHandler;
import io.micrometer.tracing.otel.bridge.OtelBaggageManager;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelSpan;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Histogram;
import java.util.List;
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
 * A tracked operation (span + duration histogram + in-flight up-down counter + correlation
 * attribute) with PerfTrace, against the same work hand-written with the raw OpenTelemetry API,
 * Micrometer Observation with its OpenTelemetry tracing bridge, and a Prometheus simpleclient
 * histogram timer — all on one {@link BenchmarkSdk}.
 *
 * <p>Every benchmark first makes the request's context current (as a server's instrumentation
 * would have), so each figure contains the cost of {@link #requestScopeOnly}; the operation body
 * is empty, so the figures are pure overhead.
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
public class OperationBenchmark {

  static final String OPERATION = "store.get";
  static final String CORRELATION_ID = "req-7f3a9c1e";
  static final String PERFTRACE_SCOPE = "bench.perftrace";
  static final String RAW_SCOPE = "bench.raw";
  static final String MICROMETER_SCOPE = "bench.micrometer";
  static final String DURATION = "perftrace.operation.duration";
  static final String ACTIVE = "perftrace.operation.active";

  private BenchmarkSdk sdk;
  private PerfTracer perfTracer;

  // Raw OpenTelemetry, written as a careful user would: instruments and attributes created once.
  private Tracer rawTracer;
  private DoubleHistogram rawDuration;
  private LongUpDownCounter rawActive;
  private Attributes rawSuccessAttributes;
  private Attributes rawActiveAttributes;

  private ObservationRegistry observationRegistry;
  private KeyValue observationNameKeyValue;

  private Histogram.Child simpleclientTimer;

  /** Builds the shared SDK and every contender on it, and checks each side really records. */
  @Setup
  public void setUp(BenchmarkParams params) {
    sdk = BenchmarkSdk.create();
    OpenTelemetry otel = sdk.openTelemetry();
    perfTracer = PerfTracer.builder(otel, PERFTRACE_SCOPE).setMdcEnabled(false).build();

    rawTracer = otel.getTracer(RAW_SCOPE);
    Meter rawMeter = otel.getMeter(RAW_SCOPE);
    rawDuration =
        rawMeter
            .histogramBuilder(DURATION)
            .setUnit("s")
            .setExplicitBucketBoundariesAdvice(PerfTracerBuilder.DEFAULT_DURATION_BUCKETS)
            .build();
    rawActive = rawMeter.upDownCounterBuilder(ACTIVE).setUnit("{operation}").build();
    rawSuccessAttributes =
        Attributes.of(
            PerfAttributes.OPERATION_NAME, OPERATION, PerfAttributes.OPERATION_OUTCOME, "success");
    rawActiveAttributes = Attributes.of(PerfAttributes.OPERATION_NAME, OPERATION);

    OtelCurrentTraceContext currentTraceContext = new OtelCurrentTraceContext();
    OtelTracer bridge =
        new OtelTracer(
            otel.getTracer(MICROMETER_SCOPE),
            currentTraceContext,
            event -> {},
            new OtelBaggageManager(currentTraceContext, List.of(), List.of()));
    observationRegistry = ObservationRegistry.create();
    observationRegistry
        .observationConfig()
        .observationHandler(new DefaultTracingObservationHandler(bridge))
        .observationHandler(new OtelMeterObservationHandler(otel.getMeter(MICROMETER_SCOPE)));
    observationNameKeyValue = KeyValue.of(PerfAttributes.OPERATION_NAME.getKey(), OPERATION);

    Histogram histogram =
        Histogram.build()
            .name("perftrace_operation_duration_seconds")
            .help("Operation duration.")
            .labelNames("perftrace_operation_name", "perftrace_operation_outcome")
            .buckets(
                PerfTracerBuilder.DEFAULT_DURATION_BUCKETS.stream()
                    .mapToDouble(Double::doubleValue)
                    .toArray())
            .register(new CollectorRegistry());
    simpleclientTimer = histogram.labels(OPERATION, "success");

    // Refuse to measure a side that records nothing (e.g. a placeholder implementation).
    String benchmark = params.getBenchmark();
    Request probe = new Request();
    probe.setUp(this);
    if (benchmark.endsWith(".perfTrace")) {
      perfTrace(probe);
      sdk.requireMetric(PERFTRACE_SCOPE, DURATION);
      sdk.requireMetric(PERFTRACE_SCOPE, ACTIVE);
      sdk.requireSpans();
    } else if (benchmark.endsWith(".rawOpenTelemetry")) {
      rawOpenTelemetry(probe);
      sdk.requireMetric(RAW_SCOPE, DURATION);
      sdk.requireSpans();
    } else if (benchmark.endsWith(".micrometerObservation")) {
      micrometerObservation(probe);
      sdk.requireMetric(MICROMETER_SCOPE, DURATION);
      sdk.requireSpans();
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
    public void setUp(OperationBenchmark benchmark) {
      try (CorrelationScope ignored = benchmark.perfTracer.correlate(CORRELATION_ID)) {
        context = Context.current();
      }
      if (!CORRELATION_ID.equals(
          Baggage.fromContext(context).getEntryValue(PerfAttributes.CORRELATION_BAGGAGE_KEY))) {
        throw new IllegalStateException(
            "PerfTracer.correlate did not put the correlation ID into baggage");
      }
    }
  }

  /** Baseline: only making the request context current and restoring it. */
  @Benchmark
  public void requestScopeOnly(Request request) {
    try (Scope ignored = request.context.makeCurrent()) {
      // nothing
    }
  }

  /** A PerfTrace operation. */
  @Benchmark
  public void perfTrace(Request request) {
    try (Scope ignored = request.context.makeCurrent();
        Operation operation = perfTracer.start(OPERATION)) {
      // the operation's body
    }
  }

  /**
   * The same work with the raw OpenTelemetry API: span with the operation name and the
   * correlation ID from baggage, made current, and the outcome attribute set at end (PerfTrace
   * sets {@code perftrace.operation.outcome} on every span since issue 9); up-down counter +1/-1
   * outside the span (no exemplar for an in-flight count); duration recorded with precomputed
   * attributes and the span's context (for exemplars).
   */
  @Benchmark
  public void rawOpenTelemetry(Request request) {
    try (Scope ignored = request.context.makeCurrent()) {
      Context parent = Context.current();
      SpanBuilder builder =
          rawTracer
              .spanBuilder(OPERATION)
              .setParent(parent)
              .setAttribute(PerfAttributes.OPERATION_NAME, OPERATION);
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

  /**
   * Micrometer Observation: the tracing bridge makes the span, a handler records the duration
   * histogram and the in-flight counter on the same OpenTelemetry meter provider.
   */
  @Benchmark
  public void micrometerObservation(Request request) {
    try (Scope ignored = request.context.makeCurrent()) {
      Observation observation =
          Observation.createNotStarted(OPERATION, observationRegistry)
              .lowCardinalityKeyValue(observationNameKeyValue)
              .highCardinalityKeyValue(
                  PerfAttributes.CORRELATION_ID.getKey(),
                  Baggage.current().getEntryValue(PerfAttributes.CORRELATION_BAGGAGE_KEY))
              .start();
      try (Observation.Scope current = observation.openScope()) {
        // the operation's body
      } finally {
        observation.stop();
      }
    }
  }

  /** Prometheus simpleclient: a histogram timer on a pre-resolved labelled child. */
  @Benchmark
  public void simpleclientHistogramTimer(Request request) {
    try (Scope ignored = request.context.makeCurrent()) {
      Histogram.Timer timer = simpleclientTimer.startTimer();
      try {
        // the operation's body
      } finally {
        timer.observeDuration();
      }
    }
  }

  /**
   * What a Micrometer user plugs in to get OpenTelemetry metrics from observations (the analogue
   * of Micrometer's {@code DefaultMeterObservationHandler}): low-cardinality key values become
   * attributes; the duration is recorded with the observation's span for exemplars.
   */
  private static final class OtelMeterObservationHandler
      implements ObservationHandler<Observation.Context> {
    private final DoubleHistogram duration;
    private final LongUpDownCounter active;

    OtelMeterObservationHandler(Meter meter) {
      duration =
          meter
              .histogramBuilder(DURATION)
              .setUnit("s")
              .setExplicitBucketBoundariesAdvice(PerfTracerBuilder.DEFAULT_DURATION_BUCKETS)
              .build();
      active = meter.upDownCounterBuilder(ACTIVE).setUnit("{operation}").build();
    }

    @Override
    public void onStart(Observation.Context context) {
      Sample sample = new Sample(System.nanoTime(), attributes(context));
      context.put(Sample.class, sample);
      active.add(1, sample.activeAttributes);
    }

    @Override
    public void onStop(Observation.Context context) {
      Sample sample = context.getRequired(Sample.class);
      long elapsed = System.nanoTime() - sample.startNanos;
      Context spanContext = Context.root();
      TracingObservationHandler.TracingContext tracing =
          context.get(TracingObservationHandler.TracingContext.class);
      if (tracing != null && tracing.getSpan() != null) {
        spanContext = spanContext.with(OtelSpan.toOtel(tracing.getSpan()));
      }
      AttributesBuilder attributes = sample.activeAttributes.toBuilder();
      attributes.put(
          PerfAttributes.OPERATION_OUTCOME, context.getError() == null ? "success" : "error");
      duration.record(elapsed / 1e9, attributes.build(), spanContext);
      active.add(-1, sample.activeAttributes);
    }

    @Override
    public boolean supportsContext(Observation.Context context) {
      return true;
    }

    private static Attributes attributes(Observation.Context context) {
      AttributesBuilder builder = Attributes.builder();
      for (KeyValue keyValue : context.getLowCardinalityKeyValues()) {
        builder.put(keyValue.getKey(), keyValue.getValue());
      }
      return builder.build();
    }

    private static final class Sample {
      final long startNanos;
      final Attributes activeAttributes;

      Sample(long startNanos, Attributes activeAttributes) {
        this.startNanos = startNanos;
        this.activeAttributes = activeAttributes;
      }
    }
  }
}

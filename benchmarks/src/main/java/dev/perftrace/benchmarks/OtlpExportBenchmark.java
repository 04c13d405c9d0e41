package dev.perftrace.benchmarks;

import dev.perftrace.PerfAttributes;
import dev.perftrace.sdk.PerfTraceSdk;
import dev.perftrace.testing.otlp.OtlpGrpcReceiver;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Export throughput: spans ended as fast as one thread can, through a batch span processor (queue
 * 2048, batch 512) to an OTLP/gRPC exporter and the test kit's in-process {@link
 * OtlpGrpcReceiver}. Two {@link #pipeline}s: {@code opentelemetry} is OpenTelemetry's {@link
 * BatchSpanProcessor} and {@link OtlpGrpcSpanExporter} (grpc-java sender) with their defaults;
 * {@code perftraceSdk} is what an application gets from {@link PerfTraceSdk} pointed at the
 * receiver (PerfTrace's guarded exporter with health state and circuit breaker, and its bounded
 * processor that counts queue drops). The primary score is spans ended per second; the auxiliary
 * counters {@code exported} (spans the receiver decoded) and {@code dropped} (ended but never
 * received: queue overflow or failed exports) are per second too.
 *
 * <p>After each iteration the processor is flushed and the receiver counted and cleared, so
 * {@code ended = exported + dropped} per iteration and the receiver's memory stays bounded. Run it
 * with one thread (the counters are attributed to whichever thread settles first).
 *
 * <p>Thread safety: JMH state; settling is synchronized.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(1)
public class OtlpExportBenchmark {

  /** Which export pipeline carries the spans. */
  @Param({"opentelemetry", "perftraceSdk"})
  public String pipeline;

  private OtlpGrpcReceiver receiver;
  private Tracer tracer;
  private Runnable flush;
  private AutoCloseable closer;

  /** Starts the receiver and the pipeline, and checks a span goes through. */
  @Setup
  public void setUp() {
    BenchmarkSdk.quietBatchProcessor();
    receiver = OtlpGrpcReceiver.start();
    if ("perftraceSdk".equals(pipeline)) {
      PerfTraceSdk sdk =
          PerfTraceSdk.builder()
              .setServiceName("bench")
              .setPrometheusEnabled(false)
              .setShutdownHook(false)
              .setConfigProperties(
                  Map.of(
                      "otel.exporter.otlp.endpoint", receiver.endpoint(),
                      "otel.exporter.otlp.protocol", "grpc",
                      "otel.metrics.exporter", "none",
                      "otel.traces.sampler", "always_on"))
              .build();
      tracer = sdk.openTelemetry().getTracer("bench.otlp");
      flush = () -> sdk.forceFlush(Duration.ofSeconds(30));
      closer = sdk;
    } else {
      OtlpGrpcSpanExporter exporter =
          OtlpGrpcSpanExporter.builder().setEndpoint(receiver.endpoint()).build();
      SdkTracerProvider tracerProvider =
          SdkTracerProvider.builder()
              .setSampler(Sampler.alwaysOn())
              .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
              .build();
      tracer = tracerProvider.get("bench.otlp");
      flush = () -> tracerProvider.forceFlush().join(30, TimeUnit.SECONDS);
      closer = tracerProvider;
    }
    tracer.spanBuilder("probe").startSpan().end();
    long received = settle();
    if (received != 1) {
      throw new IllegalStateException("the receiver got " + received + " spans, expected 1");
    }
  }

  /** Shuts the pipeline and the receiver down. */
  @TearDown
  public void tearDown() throws Exception {
    closer.close();
    receiver.close();
  }

  /** Per-thread delivery counters, reported by JMH per second. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Delivery {
    /** Spans the receiver decoded during the iteration. */
    public long exported;
    /** Spans ended during the iteration that never reached the receiver. */
    public long dropped;

    long ended;

    /** Starts an iteration from zero. */
    @Setup(Level.Iteration)
    public void reset() {
      exported = 0;
      dropped = 0;
      ended = 0;
    }

    /** Flushes what is queued and counts what arrived. */
    @TearDown(Level.Iteration)
    public void count(OtlpExportBenchmark benchmark) {
      exported = benchmark.settle();
      dropped = ended - exported;
    }
  }

  /** One span, ended at once (the attribute PerfTrace puts on every operation span). */
  @Benchmark
  public void export(Delivery delivery) {
    tracer
        .spanBuilder("store.get")
        .setAttribute(PerfAttributes.OPERATION_NAME, "store.get")
        .startSpan()
        .end();
    delivery.ended++;
  }

  /** Flushes the processor, then returns and forgets the spans the receiver holds. */
  synchronized long settle() {
    flush.run();
    long spans = 0;
    for (ExportTraceServiceRequest request : receiver.traceRequests()) {
      for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
        for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
          spans += scopeSpans.getSpansCount();
        }
      }
    }
    receiver.clear();
    return spans;
  }
}

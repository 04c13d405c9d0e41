package dev.perftrace;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.extension.trace.propagation.B3Propagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code inject}/{@code extract} use the application's configured propagator, forward {@code
 * getAll}, keep a current server span as the parent and never take a correlation ID from the
 * thread's own context.
 */
@SuppressWarnings("try") // try-with-resources scopes whose body does not touch the resource
class PropagatorTest {
  private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
  private static final String SPAN_ID = "b7ad6b7169203331";

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private OpenTelemetrySdk sdk;

  @AfterEach
  void tearDown() {
    if (sdk != null) {
      sdk.close();
    }
  }

  private PerfTracer tracer(TextMapPropagator propagator) {
    var builder =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                    .build());
    if (propagator != null) {
      builder.setPropagators(ContextPropagators.create(propagator));
    }
    sdk = builder.build();
    return PerfTracer.create(sdk, "test.scope");
  }

  private SpanData span(String name) {
    List<SpanData> named =
        exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
    assertThat(named).hasSize(1);
    return named.get(0);
  }

  @Test
  void inject_usesTheConfiguredB3Propagator() {
    PerfTracer tracer =
        tracer(
            TextMapPropagator.composite(
                B3Propagator.injectingSingleHeader(), W3CBaggagePropagator.getInstance()));
    Map<String, String> headers = new HashMap<>();
    try (CorrelationScope request = tracer.correlate("req-7");
        Operation op = tracer.start("op")) {
      tracer.inject(headers);
    }

    SpanData op = span("op");
    assertThat(headers)
        .containsOnlyKeys("b3", "baggage")
        .containsEntry("b3", op.getTraceId() + "-" + op.getSpanId() + "-1")
        .containsEntry("baggage", "perftrace.correlation_id=req-7");
  }

  @Test
  void extract_usesTheConfiguredB3Propagator() {
    PerfTracer tracer =
        tracer(
            TextMapPropagator.composite(
                B3Propagator.injectingSingleHeader(), W3CBaggagePropagator.getInstance()));
    Map<String, String> headers =
        Map.of("b3", TRACE_ID + "-" + SPAN_ID + "-1", "baggage", "perftrace.correlation_id=req-8");

    try (CorrelationScope request = tracer.extract(headers);
        Operation op = tracer.start("op")) {
      assertThat(request.correlationId()).isEqualTo("req-8");
    }

    assertThat(span("op").getTraceId()).isEqualTo(TRACE_ID);
    assertThat(span("op").getParentSpanId()).isEqualTo(SPAN_ID);
  }

  @Test
  void withoutAConfiguredPropagator_w3cIsUsed() {
    PerfTracer tracer = tracer(null);
    Map<String, String> headers = new HashMap<>();
    try (Operation op = tracer.start("op")) {
      tracer.inject(headers);
    }

    assertThat(headers).containsKey("traceparent");
    assertThat(headers.get("traceparent")).contains(span("op").getTraceId());
  }

  @Test
  void extract_forwardsGetAllSoSeveralBaggageLinesWork() {
    PerfTracer tracer = tracer(W3CBaggagePropagator.getInstance());
    Map<String, List<String>> carrier =
        Map.of("baggage", List.of("tenant=a", "perftrace.correlation_id=req-9"));
    TextMapGetter<Map<String, List<String>>> getter =
        new TextMapGetter<>() {
          @SuppressWarnings("deprecation") // abstract until 1.59; deprecated later
          @Override
          public Iterable<String> keys(Map<String, List<String>> c) {
            return c.keySet();
          }

          @Override
          public String get(Map<String, List<String>> c, String key) {
            List<String> values = c.get(key);
            return values == null ? null : values.get(0);
          }

          @Override
          public Iterator<String> getAll(Map<String, List<String>> c, String key) {
            List<String> values = c.get(key);
            return values == null ? null : values.iterator();
          }
        };

    try (CorrelationScope request = tracer.extract(carrier, getter)) {
      assertThat(request.correlationId()).isEqualTo("req-9");
      assertThat(Baggage.current().getEntryValue("tenant")).isEqualTo("a");
    }
  }

  @Test
  void extract_insideACurrentServerSpanKeepsItAsTheParent() {
    PerfTracer tracer = tracer(null);
    Span server = sdk.getTracer("framework").spanBuilder("GET /items").startSpan();
    Map<String, String> headers =
        Map.of(
            "traceparent", "00-" + TRACE_ID + "-" + SPAN_ID + "-01",
            "baggage", "perftrace.correlation_id=req-10");

    try (Scope framework = server.makeCurrent();
        CorrelationScope request = tracer.extract(headers);
        Operation op = tracer.start("op")) {
      assertThat(request.correlationId()).isEqualTo("req-10");
      assertThat(Span.current()).isSameAs(op.span());
    } finally {
      server.end();
    }

    SpanData op = span("op");
    assertThat(op.getParentSpanId()).isEqualTo(server.getSpanContext().getSpanId());
    assertThat(op.getTraceId()).isEqualTo(server.getSpanContext().getTraceId());
    assertThat(op.getAttributes().get(PerfAttributes.CORRELATION_ID)).isEqualTo("req-10");
  }

  @Test
  void extract_neverTakesTheCorrelationIdFromTheThreadsOwnContext() {
    PerfTracer tracer = tracer(null);
    Context stale =
        Context.root()
            .with(
                Baggage.builder().put(PerfAttributes.CORRELATION_BAGGAGE_KEY, "stale").build());

    try (Scope leftOver = stale.makeCurrent();
        CorrelationScope request = tracer.extract(Map.of())) {
      assertThat(request.correlationId()).isNotEqualTo("stale").hasSize(32);
      assertThat(tracer.currentCorrelationId()).isEqualTo(request.correlationId());
    }
  }
}

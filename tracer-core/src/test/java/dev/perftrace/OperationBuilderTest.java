package dev.perftrace;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Operations with span kind, start attributes, links and an explicit parent. */
class OperationBuilderTest {
  private static final SpanContext LINKED =
      SpanContext.create(
          "0af7651916cd43dd8448eb211c80319c",
          "b7ad6b7169203331",
          TraceFlags.getSampled(),
          TraceState.getDefault());

  private final TestTelemetry telemetry = new TestTelemetry();
  private final PerfTracer tracer = telemetry.tracer();

  @AfterEach
  void tearDown() {
    telemetry.close();
  }

  @Test
  void spanKindAttributesAndLinks_landOnTheSpan() {
    tracer
        .operation("GET /items")
        .setSpanKind(SpanKind.SERVER)
        .setAttribute("http.route", "/items")
        .setAttribute("retry", 2L)
        .addLink(LINKED)
        .addLink(SpanContext.getInvalid())
        .start()
        .close();

    SpanData span = telemetry.span("GET /items");
    assertThat(span.getKind()).isEqualTo(SpanKind.SERVER);
    assertThat(span.getAttributes().get(AttributeKey.stringKey("http.route"))).isEqualTo("/items");
    assertThat(span.getAttributes().get(AttributeKey.longKey("retry"))).isEqualTo(2L);
    assertThat(span.getAttributes().get(PerfAttributes.OPERATION_NAME)).isEqualTo("GET /items");
    assertThat(span.getLinks()).extracting(LinkData::getSpanContext).containsExactly(LINKED);
  }

  @Test
  void startAttributes_areVisibleToTheSampler() {
    List<Attributes> seen = new ArrayList<>();
    Sampler recording =
        new Sampler() {
          @Override
          public SamplingResult shouldSample(
              Context parentContext,
              String traceId,
              String name,
              SpanKind spanKind,
              Attributes attributes,
              List<io.opentelemetry.sdk.trace.data.LinkData> parentLinks) {
            seen.add(attributes);
            return SamplingResult.recordAndSample();
          }

          @Override
          public String getDescription() {
            return "recording";
          }
        };
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    try (OpenTelemetrySdk sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .setSampler(recording)
                    .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                    .build())
            .build()) {
      PerfTracer sampled = PerfTracer.create(sdk, "test.scope");
      sampled.operation("op").setAttribute("tenant", "t-1").start().close();
    }

    assertThat(seen).hasSize(1);
    assertThat(seen.get(0).get(AttributeKey.stringKey("tenant"))).isEqualTo("t-1");
  }

  @Test
  void explicitParent_isTheParentAndTheCurrentContextIsRestored() {
    Span parentSpan = telemetry.sdk.getTracer("raw").spanBuilder("queue.message").startSpan();
    Context parent =
        Context.root()
            .with(parentSpan)
            .with(Baggage.builder().put(PerfAttributes.CORRELATION_BAGGAGE_KEY, "req-11").build());

    try (Operation op = tracer.operation("process").setParent(parent).start()) {
      assertThat(Span.current()).isSameAs(op.span());
    }
    parentSpan.end();

    assertThat(Context.current()).isSameAs(Context.root());
    SpanData process = telemetry.span("process");
    assertThat(process.getParentSpanId()).isEqualTo(parentSpan.getSpanContext().getSpanId());
    assertThat(process.getAttributes().get(PerfAttributes.CORRELATION_ID)).isEqualTo("req-11");
  }

  @Test
  void nullArguments_areIgnoredAndCounted() {
    tracer
        .operation("op")
        .setSpanKind(null)
        .setAttribute(null, "v")
        .addLink(null)
        .setParent(null)
        .start()
        .close();

    assertThat(telemetry.span("op").getKind()).isEqualTo(SpanKind.INTERNAL);
    assertThat(telemetry.rejected("argument_null")).isEqualTo(4);
  }
}

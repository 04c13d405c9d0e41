package dev.perftrace;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

@SuppressWarnings("try") // try-with-resources scopes whose body does not touch the resource
class CorrelationTest {
  private final TestTelemetry telemetry = new TestTelemetry();
  private final PerfTracer tracer = telemetry.tracer();
  private final ExecutorService pool = Executors.newFixedThreadPool(2);

  @BeforeEach
  void startPoolThreadsOutsideAnyScope() throws Exception {
    // slf4j-simple's MDC is inheritable: create the worker threads before any MDC value exists
    pool.invokeAll(java.util.List.of(() -> 1, () -> 2));
    MDC.clear();
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    pool.shutdownNow();
    pool.awaitTermination(10, TimeUnit.SECONDS);
    MDC.clear();
    telemetry.close();
  }

  private static String mdcAndBaggage() {
    return MDC.get("correlation_id")
        + "|"
        + Baggage.current().getEntryValue(PerfAttributes.CORRELATION_BAGGAGE_KEY);
  }

  @Test
  void correlate_putsIdInBaggageAndOnEverySpanStartedInside() {
    try (CorrelationScope scope = tracer.correlate("req-42")) {
      assertThat(scope.correlationId()).isEqualTo("req-42");
      assertThat(tracer.currentCorrelationId()).isEqualTo("req-42");
      try (Operation outer = tracer.start("outer");
          Operation inner = tracer.start("inner")) {
        assertThat(Baggage.current().getEntryValue("perftrace.correlation_id"))
            .isEqualTo("req-42");
      }
    }
    try (Operation after = tracer.start("after")) {
      assertThat(tracer.currentCorrelationId()).isNull();
    }

    assertThat(telemetry.span("outer").getAttributes().get(PerfAttributes.CORRELATION_ID))
        .isEqualTo("req-42");
    assertThat(telemetry.span("inner").getAttributes().get(PerfAttributes.CORRELATION_ID))
        .isEqualTo("req-42");
    assertThat(telemetry.span("after").getAttributes().get(PerfAttributes.CORRELATION_ID))
        .isNull();
  }

  @Test
  void correlate_generatesA32HexDigitId() {
    try (CorrelationScope a = tracer.correlate();
        CorrelationScope b = tracer.correlate()) {
      assertThat(a.correlationId()).matches("[0-9a-f]{32}");
      assertThat(b.correlationId()).matches("[0-9a-f]{32}").isNotEqualTo(a.correlationId());
      assertThat(tracer.currentCorrelationId()).isEqualTo(b.correlationId());
    }
  }

  @Test
  void correlate_neverBecomesAMetricAttribute() {
    try (CorrelationScope scope = tracer.correlate("req-42");
        Operation op = tracer.start("op")) {
      tracer.recordBytes(Direction.IN, "peer", 1);
      tracer.cache("c", "memory").recordHit("memory");
    }

    assertThat(telemetry.metrics())
        .extracting(io.opentelemetry.sdk.metrics.data.MetricData::getName)
        .contains("perftrace.operation.duration", "perftrace.transfer.io",
            "perftrace.transfer.size", "perftrace.cache.requests");
    telemetry.metrics().forEach(
        metric ->
            metric.getData().getPoints().forEach(
                point ->
                    assertThat(point.getAttributes().asMap().keySet())
                        .as(metric.getName())
                        .doesNotContain(PerfAttributes.CORRELATION_ID)));
  }

  @Test
  void correlate_putsIdIntoMdcAndRestoresThePreviousValue() {
    MDC.put("correlation_id", "outer-value");
    try (CorrelationScope scope = tracer.correlate("req-42")) {
      assertThat(MDC.get("correlation_id")).isEqualTo("req-42");
    }
    assertThat(MDC.get("correlation_id")).isEqualTo("outer-value");
  }

  @Test
  void correlate_removesMdcKeyWhenThereWasNoPreviousValue() {
    try (CorrelationScope scope = tracer.correlate("req-42")) {
      assertThat(MDC.get("correlation_id")).isEqualTo("req-42");
    }
    assertThat(MDC.get("correlation_id")).isNull();
  }

  @Test
  void correlate_usesTheConfiguredMdcKey() {
    PerfTracer custom = telemetry.builder().setMdcKey("request_id").build();
    try (CorrelationScope scope = custom.correlate("req-42")) {
      assertThat(MDC.get("request_id")).isEqualTo("req-42");
      assertThat(MDC.get("correlation_id")).isNull();
    }
  }

  @Test
  void correlate_withMdcDisabledLeavesMdcAlone() {
    PerfTracer noMdc = telemetry.builder().setMdcEnabled(false).build();
    try (CorrelationScope scope = noMdc.correlate("req-42")) {
      assertThat(MDC.get("correlation_id")).isNull();
      assertThat(noMdc.currentCorrelationId()).isEqualTo("req-42");
    }
  }

  @Test
  void wrapExecutorService_carriesIdAndMdcToPoolThreads() throws Exception {
    ExecutorService wrapped = tracer.wrap(pool);
    String seen;
    try (CorrelationScope scope = tracer.correlate("req-7")) {
      seen = wrapped.submit(CorrelationTest::mdcAndBaggage).get(10, TimeUnit.SECONDS);
    }
    String after = pool.submit(CorrelationTest::mdcAndBaggage).get(10, TimeUnit.SECONDS);

    assertThat(seen).isEqualTo("req-7|req-7");
    assertThat(after).isEqualTo("null|null");
  }

  @Test
  void wrapExecutor_carriesIdToThePoolThread() throws Exception {
    Executor wrapped = tracer.wrap((Executor) pool);
    CompletableFuture<String> seen = new CompletableFuture<>();
    try (CorrelationScope scope = tracer.correlate("req-8")) {
      wrapped.execute(() -> seen.complete(mdcAndBaggage()));
    }

    assertThat(seen.get(10, TimeUnit.SECONDS)).isEqualTo("req-8|req-8");
  }

  @Test
  void wrapRunnableAndCallable_carryIdToAnotherThread() throws Exception {
    CompletableFuture<String> fromRunnable = new CompletableFuture<>();
    Runnable runnable;
    Callable<String> callable;
    try (CorrelationScope scope = tracer.correlate("req-9")) {
      runnable = tracer.wrap(() -> {
        fromRunnable.complete(mdcAndBaggage());
      });
      callable = tracer.wrap(CorrelationTest::mdcAndBaggage);
    }
    pool.execute(runnable);

    assertThat(fromRunnable.get(10, TimeUnit.SECONDS)).isEqualTo("req-9|req-9");
    assertThat(pool.submit(callable).get(10, TimeUnit.SECONDS)).isEqualTo("req-9|req-9");
  }

  @Test
  void wrapExecutorService_makesPoolOperationsChildrenOfTheSubmitter() throws Exception {
    ExecutorService wrapped = tracer.wrap(pool);
    try (CorrelationScope scope = tracer.correlate("req-10");
        Operation parent = tracer.start("parent")) {
      wrapped.submit(() -> tracer.run("child", () -> {})).get(10, TimeUnit.SECONDS);
    }

    SpanData child = telemetry.span("child");
    assertThat(child.getParentSpanId()).isEqualTo(telemetry.span("parent").getSpanId());
    assertThat(child.getAttributes().get(PerfAttributes.CORRELATION_ID)).isEqualTo("req-10");
  }

  @Test
  void callAsync_stageCompletedOnAnotherThreadKeepsTheCorrelatedSpan() throws Exception {
    CompletableFuture<String> future = new CompletableFuture<>();
    try (CorrelationScope scope = tracer.correlate("req-11")) {
      tracer.callAsync("fetch", () -> future);
    }
    pool.submit(() -> future.complete("done")).get(10, TimeUnit.SECONDS);

    assertThat(telemetry.span("fetch").getAttributes().get(PerfAttributes.CORRELATION_ID))
        .isEqualTo("req-11");
  }

  @Test
  void supplyAsync_onAWrappedExecutorSeesTheId() throws Exception {
    CompletableFuture<String> result;
    try (CorrelationScope scope = tracer.correlate("req-12")) {
      result = CompletableFuture.supplyAsync(CorrelationTest::mdcAndBaggage, tracer.wrap(pool));
    }

    assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("req-12|req-12");
  }

  @Test
  void injectExtract_roundTripCarriesTraceAndCorrelationId() throws Exception {
    Map<String, String> headers = new HashMap<>();
    try (CorrelationScope scope = tracer.correlate("req-13");
        Operation client = tracer.start("client.call")) {
      tracer.inject(headers);
    }
    assertThat(headers).containsOnlyKeys("traceparent", "baggage");
    assertThat(headers.get("baggage")).isEqualTo("perftrace.correlation_id=req-13");

    // the "server": another thread with an empty context
    String serverId =
        pool.submit(
                () -> {
                  try (CorrelationScope scope = tracer.extract(headers);
                      Operation server = tracer.start("server.handle")) {
                    return scope.correlationId() + "|" + mdcAndBaggage();
                  }
                })
            .get(10, TimeUnit.SECONDS);

    assertThat(serverId).isEqualTo("req-13|req-13|req-13");
    SpanData client = telemetry.span("client.call");
    SpanData server = telemetry.span("server.handle");
    assertThat(server.getTraceId()).isEqualTo(client.getTraceId());
    assertThat(server.getParentSpanId()).isEqualTo(client.getSpanId());
    assertThat(server.getParentSpanContext().isRemote()).isTrue();
    assertThat(server.getAttributes().get(PerfAttributes.CORRELATION_ID)).isEqualTo("req-13");
  }

  @Test
  void extract_headerNamesAreCaseInsensitive() {
    Map<String, String> headers =
        Map.of(
            "Traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            "Baggage", "perftrace.correlation_id=req-14");
    try (CorrelationScope scope = tracer.extract(headers);
        Operation op = tracer.start("op")) {
      assertThat(scope.correlationId()).isEqualTo("req-14");
    }

    SpanData span = telemetry.span("op");
    assertThat(span.getTraceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
    assertThat(span.getParentSpanId()).isEqualTo("b7ad6b7169203331");
  }

  @Test
  void extract_withoutBaggageGeneratesAnId() {
    try (CorrelationScope scope = tracer.extract(Map.of())) {
      assertThat(scope.correlationId()).matches("[0-9a-f]{32}");
      assertThat(tracer.currentCorrelationId()).isEqualTo(scope.correlationId());
    }
    assertThat(telemetry.rejected("correlation_id_invalid")).isZero();
    assertThat(telemetry.rejected("header_invalid")).isZero();
  }

  @Test
  void extract_closeRestoresThePreviousContext() {
    try (CorrelationScope outer = tracer.correlate("outer")) {
      Map<String, String> headers = Map.of("baggage", "perftrace.correlation_id=in");
      try (CorrelationScope inner = tracer.extract(headers)) {
        assertThat(tracer.currentCorrelationId()).isEqualTo("in");
      }
      assertThat(tracer.currentCorrelationId()).isEqualTo("outer");
      assertThat(MDC.get("correlation_id")).isEqualTo("outer");
    }
  }
}

package dev.perftrace;

import static dev.perftrace.OperationTest.error;
import static dev.perftrace.OperationTest.outcome;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InstrumentTest {
  private final TestTelemetry telemetry = new TestTelemetry();
  private final PerfTracer tracer = telemetry.tracer();

  interface Store {
    String get(String key) throws IOException;

    CompletionStage<String> fetch(String key);
  }

  private final class RealStore implements Store {
    final CompletableFuture<String> pending = new CompletableFuture<>();

    @Override
    public String get(String key) throws IOException {
      telemetry.ticker.advanceMillis(3);
      if (key.equals("missing")) {
        throw new IOException("missing");
      }
      return "value-" + key;
    }

    @Override
    public CompletionStage<String> fetch(String key) {
      return pending;
    }

    @Override
    public String toString() {
      return "RealStore";
    }
  }

  @AfterEach
  void tearDown() {
    telemetry.close();
  }

  @Test
  void instrument_timesEachCallAsOperationNamedInterfaceDotMethod() throws IOException {
    Store store = tracer.instrument(Store.class, new RealStore());

    assertThat(store.get("a")).isEqualTo("value-a");

    assertThat(telemetry.span("Store.get").getAttributes().get(
            AttributeKey.stringKey("code.function.name")))
        .isEqualTo(Store.class.getName() + ".get");
    assertThat(telemetry.histogram("perftrace.operation.duration", outcome("Store.get", "success"))
            .getSum())
        .isEqualTo(0.003);
  }

  @Test
  void instrument_repeatedCallsEachRecordUnderTheMethodName() throws IOException {
    Store store = tracer.instrument(Store.class, new RealStore());

    store.get("a");
    store.get("b");
    store.get("c");

    assertThat(telemetry.histogram("perftrace.operation.duration", outcome("Store.get", "success"))
            .getCount())
        .isEqualTo(3);
    assertThat(telemetry.spans()).extracting(SpanData::getName).containsOnly("Store.get");
  }

  @Test
  void instrument_methodBeyondTheNameBoundCountsOverflowOnEveryCall() throws IOException {
    // bounds are per scope: a scope of its own, on an SDK of its own
    try (TestTelemetry own = new TestTelemetry()) {
      PerfTracer bounded = own.builder().setMaxOperations(1).build();
      bounded.run("taken", () -> {});
      Store store = bounded.instrument(Store.class, new RealStore());

      store.get("a");
      store.get("b");

      assertThat(own.histogram("perftrace.operation.duration", outcome("_overflow", "success"))
              .getCount())
          .isEqualTo(2);
      assertThat(own.rejected("cardinality_overflow")).isEqualTo(2);
    }
  }

  @Test
  void instrument_rethrowsTheTargetsExceptionUnwrapped() {
    Store store = tracer.instrument(Store.class, new RealStore());

    assertThatThrownBy(() -> store.get("missing"))
        .isExactlyInstanceOf(IOException.class)
        .hasMessage("missing");
    assertThat(telemetry.histogram(
                "perftrace.operation.duration", error("Store.get", IOException.class))
            .getCount())
        .isEqualTo(1);
  }

  @Test
  void instrument_completionStageMethodEndsWhenStageCompletes() {
    RealStore real = new RealStore();
    Store store = tracer.instrument(Store.class, real);

    CompletionStage<String> stage = store.fetch("k");
    assertThat(telemetry.spans()).isEmpty();
    telemetry.ticker.advanceMillis(9);
    real.pending.complete("v");

    assertThat(stage).isNotSameAs(real.pending);
    assertThat(stage.toCompletableFuture().join()).isEqualTo("v");
    assertThat(telemetry.histogram(
                "perftrace.operation.duration", outcome("Store.fetch", "success"))
            .getSum())
        .isEqualTo(0.009);
  }

  @Test
  void instrument_objectMethodsPassThroughUntimed() {
    RealStore real = new RealStore();
    Store store = tracer.instrument(Store.class, real);

    assertThat(store.toString()).isEqualTo("RealStore");
    assertThat(store.hashCode()).isEqualTo(real.hashCode());
    assertThat(store.equals(store)).isTrue();
    assertThat(telemetry.spans()).isEmpty();
  }

  @Test
  void instrument_rejectsAClass() {
    assertThatThrownBy(() -> tracer.instrument(RealStore.class, new RealStore()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("iface");
  }

  @Test
  void instrument_worksForAJdkInterface() {
    int[] runs = new int[1];
    Runnable timed = tracer.instrument(Runnable.class, () -> runs[0]++);

    timed.run();

    assertThat(runs[0]).isEqualTo(1);
    assertThat(telemetry.span("Runnable.run").getAttributes().get(
            AttributeKey.stringKey("code.function.name")))
        .isEqualTo("java.lang.Runnable.run");
  }
}

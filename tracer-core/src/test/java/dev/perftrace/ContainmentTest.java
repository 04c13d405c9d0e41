package dev.perftrace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A caller's getter, setter or carrier that throws an Error or a sneaky checked exception is
 * contained like a runtime exception; byte totals saturate instead of going negative.
 */
@SuppressWarnings("try") // try-with-resources scopes whose body does not touch the resource
class ContainmentTest {
  private final TestTelemetry telemetry = new TestTelemetry();
  private final PerfTracer tracer = telemetry.tracer();

  @AfterEach
  void tearDown() {
    telemetry.close();
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
    throw (E) t;
  }

  private static TextMapGetter<Object> throwingGetter(Throwable thrown) {
    return new TextMapGetter<>() {
      @SuppressWarnings("deprecation") // abstract until 1.59; deprecated later
      @Override
      public Iterable<String> keys(Object carrier) {
        throw sneaky(thrown);
      }

      @Override
      public String get(Object carrier, String key) {
        throw sneaky(thrown);
      }
    };
  }

  @Test
  void extract_getterThrowingAnErrorIsContained() {
    try (CorrelationScope scope =
        tracer.extract(new Object(), throwingGetter(new AssertionError("getter")))) {
      assertThat(scope.correlationId()).hasSize(32);
    }
    assertThat(Context.current()).isSameAs(Context.root());
    assertThat(telemetry.rejected("header_invalid")).isEqualTo(1);
  }

  @Test
  void extract_getterThrowingASneakyCheckedExceptionIsContained() {
    try (CorrelationScope scope =
        tracer.extract(new Object(), throwingGetter(new IOException("getter")))) {
      assertThat(scope.correlationId()).hasSize(32);
    }
    assertThat(telemetry.rejected("header_invalid")).isEqualTo(1);
  }

  @Test
  void inject_setterThrowingAnErrorOrACheckedExceptionIsContained() {
    try (Operation op = tracer.start("op")) {
      assertThatCode(
              () ->
                  tracer.inject(
                      new Object(),
                      (carrier, key, value) -> {
                        throw new LinkageError("setter");
                      }))
          .doesNotThrowAnyException();
      assertThatCode(
              () ->
                  tracer.inject(
                      new Object(),
                      (carrier, key, value) -> {
                        throw sneaky(new IOException("setter"));
                      }))
          .doesNotThrowAnyException();
    }
  }

  @Test
  void recordBytes_totalPastLongMaxSaturatesAndIsCounted() {
    try (Operation op = tracer.start("op")) {
      tracer.recordBytes(Direction.IN, "peer-a", Long.MAX_VALUE);
      tracer.recordBytes(Direction.IN, "peer-a", 5);
      tracer.recordBytes(Direction.IN, "peer-a", 5);
    }

    assertThat(telemetry.span("op").getAttributes().get(PerfAttributes.BYTES_RECEIVED))
        .isEqualTo(Long.MAX_VALUE);
    assertThat(telemetry.rejected("bytes_overflow")).isEqualTo(2);
  }

  @Test
  void transferChunks_pastLongMaxSaturateAndAreCounted() {
    Transfer transfer = tracer.startTransfer(Direction.OUT, "peer-a");
    transfer.chunk(Long.MAX_VALUE - 1);
    transfer.chunk(2);

    assertThat(transfer.bytes()).isEqualTo(Long.MAX_VALUE);
    transfer.close();
    assertThat(telemetry.rejected("bytes_overflow")).isEqualTo(1);
    assertThat(telemetry.sumPoints("perftrace.transfer.io"))
        .extracting(p -> p.getValue())
        .containsExactly(Long.MAX_VALUE);
  }

  @Test
  void extract_nullKeysFromTheGetterAreFine() {
    try (CorrelationScope scope =
        tracer.extract(
            new Object(),
            new TextMapGetter<Object>() {
              @SuppressWarnings("deprecation") // abstract until 1.59; deprecated later
              @Override
              public Iterable<String> keys(Object carrier) {
                return null;
              }

              @Override
              public String get(Object carrier, String key) {
                return null;
              }
            })) {
      assertThat(scope.correlationId()).hasSize(32);
    }
    assertThat(telemetry.nonZeroRejections()).isEqualTo(List.of());
  }
}

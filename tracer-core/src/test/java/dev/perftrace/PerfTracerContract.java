package dev.perftrace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Behaviour every {@link PerfTracer} has, the no-op one included: the caller's code runs, values
 * and exceptions pass through unchanged, recording never throws, configuration does.
 */
@SuppressWarnings("try") // try-with-resources scopes whose body does not touch the resource
abstract class PerfTracerContract {

  /** The tracer under test. */
  abstract PerfTracer tracer();

  interface Greeter {
    String greet(String name) throws IOException;
  }

  @Test
  void call_returnsTheCallablesValue() throws Exception {
    assertThat(tracer().call("op", () -> 42)).isEqualTo(42);
  }

  @Test
  void call_rethrowsTheSameCheckedException() {
    IOException failure = new IOException("x");
    assertThatThrownBy(
            () ->
                tracer().call(
                    "op",
                    () -> {
                      throw failure;
                    }))
        .isSameAs(failure);
  }

  /** Compiles only because callChecked keeps IOException: no catch of Exception needed. */
  private static String loadOrThrow(boolean fail) throws IOException {
    if (fail) {
      throw new IOException("load");
    }
    return "body";
  }

  @Test
  void callChecked_keepsTheCheckedExceptionTypeAndValue() throws IOException {
    assertThat(tracer().callChecked("op", () -> loadOrThrow(false))).isEqualTo("body");
    assertThatThrownBy(() -> tracer().callChecked("op", () -> loadOrThrow(true)))
        .isInstanceOf(IOException.class)
        .hasMessage("load");
    assertThat(tracer().<String, IOException>callChecked("op", null)).isNull();
  }

  @Test
  void run_rethrowsTheSameError() {
    AssertionError failure = new AssertionError("x");
    assertThatThrownBy(
            () ->
                tracer().run(
                    "op",
                    () -> {
                      throw failure;
                    }))
        .isSameAs(failure);
  }

  @Test
  void run_runsTheTaskOnce() {
    AtomicInteger runs = new AtomicInteger();
    tracer().run("op", runs::incrementAndGet);
    assertThat(runs).hasValue(1);
  }

  @Test
  void callAsync_returnsAStageCompletingWithTheSuppliersValue() {
    CompletableFuture<String> future = new CompletableFuture<>();
    CompletableFuture<String> returned = tracer().callAsync("op", () -> future);
    future.complete("x");
    assertThat(returned.join()).isEqualTo("x");
  }

  @Test
  void callAsyncWith_handsAnOperationToTheFunction() {
    CompletableFuture<String> returned =
        tracer()
            .callAsyncWith(
                "op",
                op -> {
                  op.setAttribute("k", "v");
                  return CompletableFuture.completedFuture("y");
                });
    assertThat(returned.join()).isEqualTo("y");
  }

  @Test
  void callAsync_rethrowsTheSuppliersException() {
    IllegalStateException failure = new IllegalStateException();
    assertThatThrownBy(
            () ->
                tracer().callAsync(
                    "op",
                    () -> {
                      throw failure;
                    }))
        .isSameAs(failure);
  }

  @Test
  void start_closeTwiceIsFine() {
    Operation op = tracer().start("op");
    op.close();
    assertThatCode(op::close).doesNotThrowAnyException();
  }

  @Test
  void startDetached_makeCurrentAndCloseAnywhereNeverThrow() throws Exception {
    Operation op = tracer().startDetached("op");
    try (io.opentelemetry.context.Scope scope = op.makeCurrent()) {
      op.setAttribute("k", "v");
    }
    ExecutorService other = Executors.newSingleThreadExecutor();
    try {
      other.submit(op::close).get(10, TimeUnit.SECONDS);
    } finally {
      other.shutdownNow();
    }
    assertThatCode(op::close).doesNotThrowAnyException();
    assertThatCode(() -> op.makeCurrent().close()).doesNotThrowAnyException();
  }

  @Test
  void currentOperation_outsideAnyOperationIsANoOpThatNeverThrows() {
    Operation none = tracer().currentOperation();
    assertThatCode(
            () -> {
              none.setAttribute("k", "v");
              none.failWithType("x");
              none.close();
            })
        .doesNotThrowAnyException();
    assertThat(none.span().getSpanContext().isValid()).isFalse();
  }

  @Test
  void setMetricAttribute_badOrUndeclaredInputNeverThrows() {
    assertThatCode(
            () -> {
              try (Operation op =
                  tracer()
                      .operation("op")
                      .setMetricAttribute(null, "v")
                      .setMetricAttribute("undeclared", null)
                      .setMetricAttribute("undeclared", "v")
                      .start()) {
                op.setMetricAttribute(null, null)
                    .setMetricAttribute("undeclared", "v")
                    .setMetricAttribute("undeclared", " ");
              }
            })
        .doesNotThrowAnyException();
  }

  @Test
  void operationBuilder_withBadInputNeverThrows() {
    assertThatCode(
            () -> {
              tracer()
                  .operation("op")
                  .setSpanKind(null)
                  .setAttribute(null, "v")
                  .setAttribute("k", 1L)
                  .addLink(null)
                  .setParent(null)
                  .start()
                  .close();
              tracer().operation(null).startDetached().close();
            })
        .doesNotThrowAnyException();
  }

  @Test
  void operation_settersAndFailNeverThrow() {
    assertThatCode(
            () -> {
              try (Operation op = tracer().start("op")) {
                op.setAttribute("k", "v").setAttribute("n", 1L).setAttribute(null, "v");
                op.fail(new IOException());
                op.fail(null);
                assertThat(op.span()).isNotNull();
              }
            })
        .doesNotThrowAnyException();
  }

  @Test
  void nullTasks_neverThrow() throws Exception {
    Callable<String> none = null;
    assertThat(tracer().call("op", none)).isNull();
    assertThatCode(() -> tracer().run("op", null)).doesNotThrowAnyException();
    assertThat(tracer().<String, CompletableFuture<String>>callAsync("op", null)).isNull();
  }

  @Test
  void recording_badInputNeverThrows() {
    PerfTracer tracer = tracer();
    assertThatCode(
            () -> {
              tracer.start(null).close();
              tracer.start("\u0000\n").close();
              tracer.start("x".repeat(5000)).close();
              tracer.recordDuration(null, null);
              tracer.recordDuration("op", Duration.ofSeconds(-1), null);
              tracer.recordDuration("op", Duration.ofMillis(1), new IOException());
              tracer.recordDurationWithErrorType(null, null, null);
              tracer.recordDurationWithErrorType("op", Duration.ofSeconds(-1), "503");
              tracer.recordDurationWithErrorType("op", Duration.ofMillis(1), " \n ");
              tracer.recordBytes(null, null, -1);
              tracer.recordBytes(Direction.IN, "", Long.MIN_VALUE);
              try (Transfer transfer = tracer.startTransfer(null, null)) {
                transfer.chunk(-1);
                transfer.chunk(5);
              }
            })
        .doesNotThrowAnyException();
  }

  @Test
  void transfer_closeTwiceIsFine() {
    Transfer transfer = tracer().startTransfer(Direction.OUT, "peer");
    transfer.chunk(3);
    transfer.close();
    assertThatCode(transfer::close).doesNotThrowAnyException();
  }

  @Test
  void cache_exposesNameAndTiers() {
    TieredCache cache = tracer().cache("content", "memory", "disk");
    assertThat(cache.name()).isEqualTo("content");
    assertThat(cache.tiers()).containsExactly("memory", "disk");
  }

  @Test
  void cache_recordingBadInputNeverThrows() {
    TieredCache cache = tracer().cache("content", "memory", "disk");
    assertThatCode(
            () -> {
              cache.recordHit(null);
              cache.recordMiss("ssd");
              cache.recordLookup("ssd");
              cache.recordLookup(null);
              cache.recordTierLatency("memory", true, null);
              cache.recordTierLatency("ssd", false, Duration.ofMillis(-5));
              CacheLookup lookup = cache.startLookup();
              lookup.hit(null);
              lookup.miss("ssd");
              lookup.close();
              lookup.close();
            })
        .doesNotThrowAnyException();
  }

  @Test
  void cache_blankNameThrowsNamingCacheName() {
    assertThatThrownBy(() -> tracer().cache(" ", "memory"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cacheName");
  }

  @Test
  void cache_noTiersThrowsNamingTiers() {
    assertThatThrownBy(() -> tracer().cache("content"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tiers");
  }

  @Test
  void cache_blankTierThrowsNamingIt() {
    assertThatThrownBy(() -> tracer().cache("content", "memory", " "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tiers[1]");
  }

  @Test
  void cache_repeatedTierThrowsNamingIt() {
    assertThatThrownBy(() -> tracer().cache("content", "disk", "disk"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tiers[1]");
  }

  @Test
  void correlate_scopeHasAnIdAndClosesTwice() {
    CorrelationScope scope = tracer().correlate("req-1");
    assertThat(scope.correlationId()).isNotNull();
    scope.close();
    assertThatCode(scope::close).doesNotThrowAnyException();
  }

  @Test
  void correlation_hostileInputNeverThrows() {
    PerfTracer tracer = tracer();
    Map<String, String> hostile = new HashMap<>();
    hostile.put("traceparent", "00-" + "f".repeat(10_000));
    hostile.put("baggage", "perftrace.correlation_id=%00%0d%0a,=;;;,,");
    hostile.put("tracestate", "\u0000\u0001");
    assertThatCode(
            () -> {
              tracer.correlate(null).close();
              tracer.correlate("x".repeat(1000)).close();
              tracer.extract(hostile).close();
              tracer.extract(null).close();
              tracer.extract("carrier", null).close();
              tracer.inject(null);
              tracer.inject(new HashMap<>());
              tracer.inject("carrier", null);
              tracer.currentCorrelationId();
            })
        .doesNotThrowAnyException();
  }

  @Test
  void inject_intoAnImmutableMapNeverThrows() {
    try (CorrelationScope scope = tracer().correlate("req-1");
        Operation op = tracer().start("op")) {
      assertThatCode(() -> tracer().inject(Map.of())).doesNotThrowAnyException();
    }
  }

  @Test
  void wrap_runnableAndCallableRunTheTask() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    tracer().wrap(() -> {
      runs.incrementAndGet();
    }).run();
    Callable<String> callable = tracer().wrap(() -> "v");
    assertThat(callable.call()).isEqualTo("v");
    assertThat(runs).hasValue(1);
  }

  @Test
  void wrap_executorsRunTheTasks() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      ExecutorService wrapped = tracer().wrap(pool);
      assertThat(wrapped.submit(() -> "a").get(10, TimeUnit.SECONDS)).isEqualTo("a");
      List<Future<String>> all = wrapped.invokeAll(List.of(() -> "b", () -> "c"));
      assertThat(all.get(1).get(10, TimeUnit.SECONDS)).isEqualTo("c");
      CompletableFuture<String> viaExecutor = new CompletableFuture<>();
      tracer().wrap((Executor) pool).execute(() -> viaExecutor.complete("d"));
      assertThat(viaExecutor.get(10, TimeUnit.SECONDS)).isEqualTo("d");
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void instrument_proxyReturnsTheTargetsValues() throws IOException {
    Greeter greeter = tracer().instrument(Greeter.class, name -> "hello " + name);
    assertThat(greeter.greet("bob")).isEqualTo("hello bob");
  }

  @Test
  void instrument_proxyRethrowsTheSameException() {
    IOException failure = new IOException("no");
    Greeter greeter =
        tracer().instrument(
            Greeter.class,
            name -> {
              throw failure;
            });
    assertThatThrownBy(() -> greeter.greet("bob")).isSameAs(failure);
  }

  @Test
  void instrument_nonInterfaceThrowsNamingIface() {
    assertThatThrownBy(() -> tracer().instrument(String.class, "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("iface");
  }

  @Test
  void instrument_nullTargetThrowsNamingTarget() {
    assertThatThrownBy(() -> tracer().instrument(Greeter.class, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("target");
  }
}

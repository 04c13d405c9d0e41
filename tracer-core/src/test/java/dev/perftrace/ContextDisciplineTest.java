package dev.perftrace;

import static dev.perftrace.OperationTest.outcome;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * No PerfTrace call leaves a context or MDC entry on a thread once the caller's scopes there have
 * closed, whatever the closing order; a close on a foreign thread ends once and restores nothing.
 */
class ContextDisciplineTest {
  private final TestTelemetry telemetry = new TestTelemetry();
  private final PerfTracer tracer = telemetry.tracer();
  private final List<LogRecord> logged = new ArrayList<>();
  private final Logger julLogger = Logger.getLogger("dev.perftrace");
  private final Handler handler =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          synchronized (logged) {
            logged.add(record);
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  private ExecutorService pool;

  @BeforeEach
  void setUp() throws Exception {
    MDC.clear();
    // the test binding's MDC is inheritable: start the pool thread before any MDC value exists
    pool = Executors.newSingleThreadExecutor();
    pool.submit(() -> {}).get(10, TimeUnit.SECONDS);
    julLogger.addHandler(handler);
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    julLogger.removeHandler(handler);
    pool.shutdownNow();
    pool.awaitTermination(10, TimeUnit.SECONDS);
    MDC.clear();
    telemetry.close();
  }

  private void assertClean() {
    assertThat(Context.current()).isSameAs(Context.root());
    assertThat(tracer.currentCorrelationId()).isNull();
    assertThat(MDC.get("correlation_id")).isNull();
  }

  @Test
  void correlationScopeClosedBeforeTheOperationInsideIt_restoresTheThread() {
    CorrelationScope request = tracer.correlate("req-1");
    Operation op = tracer.start("op");
    request.close();
    op.close();

    assertClean();
    tracer.start("next").close();
    assertThat(telemetry.span("next").getAttributes().get(PerfAttributes.CORRELATION_ID)).isNull();
    assertThat(telemetry.span("op").getAttributes().get(PerfAttributes.CORRELATION_ID))
        .isEqualTo("req-1");
  }

  @Test
  void correlationScopesClosedOutOfOrder_restoreTheThread() {
    CorrelationScope first = tracer.correlate("a");
    CorrelationScope second = tracer.correlate("b");
    first.close();
    assertClean();
    second.close();

    assertClean();
  }

  @Test
  void operationsClosedOutOfOrder_restoreTheThreadAndRecordBoth() {
    Operation outer = tracer.start("outer");
    Operation inner = tracer.start("inner");
    outer.close();
    assertThat(Context.current()).isSameAs(Context.root());
    inner.close();

    assertThat(Context.current()).isSameAs(Context.root());
    assertThat(telemetry.histogram("perftrace.operation.duration", outcome("outer", "success")).getCount())
        .isEqualTo(1);
    assertThat(telemetry.histogram("perftrace.operation.duration", outcome("inner", "success")).getCount())
        .isEqualTo(1);
  }

  @Test
  void doubleClose_restoresOnceAndRecordsOnce() {
    CorrelationScope request = tracer.correlate("req-1");
    Operation op = tracer.start("op");
    op.close();
    op.close();
    assertThat(tracer.currentCorrelationId()).isEqualTo("req-1");
    request.close();
    request.close();

    assertClean();
    assertThat(telemetry.histogram("perftrace.operation.duration", outcome("op", "success")).getCount())
        .isEqualTo(1);
  }

  @Test
  void pooledThread_keepsNoContextFromAnEarlierTaskThatClosedOutOfOrder() throws Exception {
    pool.submit(
            () -> {
              CorrelationScope request = tracer.correlate("req-1");
              Operation op = tracer.start("op");
              request.close();
              op.close();
            })
        .get(10, TimeUnit.SECONDS);

    pool.submit(
            () -> {
              assertClean();
              tracer.start("next").close();
            })
        .get(10, TimeUnit.SECONDS);
    assertThat(telemetry.span("next").getAttributes().get(PerfAttributes.CORRELATION_ID)).isNull();
  }

  @Test
  void wrappedTaskLeavingScopesOpen_leavesNothingOnThePooledThread() throws Exception {
    ExecutorService wrapped = tracer.wrap(pool);
    wrapped
        .submit(
            () -> {
              tracer.correlate("leaked");
              tracer.start("leaked.op");
            })
        .get(10, TimeUnit.SECONDS);

    pool.submit(this::assertClean).get(10, TimeUnit.SECONDS);
  }

  @Test
  void closeOnAForeignThread_endsOnceRestoresNothingThereAndIsCountedOnce() throws Exception {
    CorrelationScope request = tracer.correlate("req-1");
    Operation op = tracer.start("op");

    pool.submit(
            () -> {
              op.close();
              op.close();
              assertClean();
            })
        .get(10, TimeUnit.SECONDS);

    assertThat(telemetry.histogram("perftrace.operation.duration", outcome("op", "success")).getCount())
        .isEqualTo(1);
    assertThat(telemetry.rejected("close_foreign_thread")).isEqualTo(1);
    List<LogRecord> records;
    synchronized (logged) {
      records = new ArrayList<>(logged);
    }
    assertThat(records).hasSize(1);
    assertThat(records.get(0).getLevel()).isEqualTo(Level.WARNING);
    assertThat(
            java.text.MessageFormat.format(
                records.get(0).getMessage(), records.get(0).getParameters()))
        .contains("(close_foreign_thread)")
        .contains("operation 'op' closed on a thread that did not start it");
    // the starting thread still has the operation current: a foreign close can't restore it
    assertThat(Span.current().getSpanContext()).isEqualTo(op.span().getSpanContext());
    op.close(); // now on the starting thread: restores, records nothing more
    assertThat(tracer.currentCorrelationId()).isEqualTo("req-1");
    request.close();
    assertClean();
    assertThat(telemetry.histogram("perftrace.operation.duration", outcome("op", "success")).getCount())
        .isEqualTo(1);
  }
}

package dev.perftrace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RejectionLoggingTest {
  private final TestTelemetry telemetry = new TestTelemetry();
  private final Logger julLogger = Logger.getLogger("dev.perftrace");
  private final List<String> messages = new CopyOnWriteArrayList<>();
  private final Handler handler =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          messages.add(record.getLevel() + " " + new SimpleFormatter().formatMessage(record));
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void captureLogs() {
    julLogger.addHandler(handler);
    julLogger.setLevel(Level.ALL);
  }

  @AfterEach
  void tearDown() {
    julLogger.removeHandler(handler);
    telemetry.close();
  }

  @Test
  void reject_logsEachReasonOncePerScope() {
    PerfTracer tracer = telemetry.tracer();
    tracer.recordBytes(Direction.IN, "peer", -1);
    tracer.recordBytes(Direction.IN, "peer", -2);
    tracer.start(null).close();
    tracer.start("").close();
    tracer.start(" ").close();

    assertThat(messages).hasSize(2);
    assertThat(messages.get(0)).startsWith("WARNING ").contains("(bytes_negative)");
    assertThat(messages.get(1)).startsWith("WARNING ").contains("(name_blank)");
    assertThat(telemetry.rejected("bytes_negative")).isEqualTo(2);
    assertThat(telemetry.rejected("name_blank")).isEqualTo(3);
  }

  @Test
  void reject_anotherTracerOfTheSameScope_doesNotLogAgain() {
    telemetry.tracer().recordBytes(Direction.IN, "peer", -1);
    telemetry.tracer().recordBytes(Direction.IN, "peer", -1);

    assertThat(messages).hasSize(1);
    assertThat(telemetry.rejected("bytes_negative")).isEqualTo(2);
  }

  @Test
  void reject_logsAgainForAnotherScope() {
    telemetry.tracer().recordBytes(Direction.IN, "peer", -1);
    PerfTracer.create(telemetry.sdk, "other.scope").recordBytes(Direction.IN, "peer", -1);

    assertThat(messages).hasSize(2);
    assertThat(messages.get(1)).contains("'other.scope'").contains("(bytes_negative)");
  }

  @Test
  void reject_logMessageNeutralizesControlCharactersAndLength() {
    PerfTracer tracer = telemetry.tracer();
    tracer.cache("c", "memory").recordHit("evil\nFAKE LOG LINE" + "x".repeat(500));

    assertThat(messages).hasSize(1);
    assertThat(messages.get(0)).contains("evil?FAKE LOG LINE").doesNotContain("\n");
    assertThat(messages.get(0).length()).isLessThan(500);
  }
}

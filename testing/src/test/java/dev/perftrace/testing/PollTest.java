package dev.perftrace.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PollTest {

  @Test
  void until_acceptedOnThirdProbe_returnsThatValue() {
    AtomicInteger calls = new AtomicInteger();

    Integer value = Poll.until("three", Duration.ofSeconds(10), calls::incrementAndGet, v -> v == 3);

    assertThat(value).isEqualTo(3);
    assertThat(calls).hasValue(3);
  }

  @Test
  void until_acceptedAtOnce_probesOnceWithoutPausing() {
    AtomicInteger calls = new AtomicInteger();
    long start = System.nanoTime();

    Poll.until("true", Duration.ofSeconds(10), () -> calls.incrementAndGet() > 0);

    assertThat(calls).hasValue(1);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
  }

  @Test
  void until_neverAccepted_failsAfterTheTimeoutNamingWhatAndTheLastValue() {
    AtomicInteger calls = new AtomicInteger();
    long start = System.nanoTime();

    assertThatThrownBy(
            () -> Poll.until("the answer", Duration.ofMillis(200), calls::incrementAndGet, v -> false))
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            "Timed out after PT0.2S waiting for the answer; last value: " + calls.get())
        .hasNoCause();
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    // it pauses 20 ms between probes instead of spinning, and stops soon after the deadline
    assertThat(calls.get()).isBetween(2, 11);
    assertThat(elapsed).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void until_probeThrowsUntilTheDeadline_lastExceptionIsTheCause() {
    IOException last = new IOException("refused");

    assertThatThrownBy(
            () ->
                Poll.until(
                    "a connection",
                    Duration.ofMillis(100),
                    () -> {
                      throw last;
                    }))
        .isInstanceOf(AssertionError.class)
        .hasMessage("Timed out after PT0.1S waiting for a connection; last value: null")
        .cause().isSameAs(last);
  }

  @Test
  void until_probeThrowsThenSucceeds_exceptionCountsAsNotYet() {
    AtomicInteger calls = new AtomicInteger();

    String value =
        Poll.until(
            "recovery",
            Duration.ofSeconds(10),
            () -> {
              if (calls.incrementAndGet() < 3) {
                throw new IllegalStateException("not yet");
              }
              return "up";
            },
            "up"::equals);

    assertThat(value).isEqualTo("up");
    assertThat(calls).hasValue(3);
  }

  @Test
  void until_probeThrowsAnError_propagatesAtOnce() {
    AtomicInteger calls = new AtomicInteger();

    assertThatThrownBy(
            () ->
                Poll.until(
                    "a live process",
                    Duration.ofSeconds(30),
                    () -> {
                      calls.incrementAndGet();
                      throw new AssertionError("process exited");
                    }))
        .isInstanceOf(AssertionError.class)
        .hasMessage("process exited");
    assertThat(calls).hasValue(1);
  }

  @Test
  void until_interrupted_failsAndKeepsTheInterruptFlag() {
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> Poll.until("never", Duration.ofSeconds(30), () -> false))
          .isInstanceOf(AssertionError.class)
          .hasMessage("interrupted while polling");
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }
}

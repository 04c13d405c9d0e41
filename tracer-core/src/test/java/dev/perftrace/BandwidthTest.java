package dev.perftrace;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@SuppressWarnings("try") // try-with-resources scopes whose body does not touch the resource
class BandwidthTest {
  private final TestTelemetry telemetry = new TestTelemetry();
  private final PerfTracer tracer = telemetry.tracer();

  static Attributes transfer(String direction, String source) {
    return Attributes.of(
        PerfAttributes.NETWORK_IO_DIRECTION, direction, PerfAttributes.TRANSFER_SOURCE, source);
  }

  @AfterEach
  void tearDown() {
    telemetry.close();
  }

  @Test
  void recordBytes_countsBytesPerDirectionAndSource() {
    tracer.recordBytes(Direction.IN, "peer-a", 100);
    tracer.recordBytes(Direction.IN, "peer-a", 300);
    tracer.recordBytes(Direction.OUT, "peer-a", 50);
    tracer.recordBytes(Direction.IN, "peer-b", 7);

    assertThat(telemetry.sum("perftrace.transfer.io", transfer("receive", "peer-a")))
        .isEqualTo(400);
    assertThat(telemetry.sum("perftrace.transfer.io", transfer("transmit", "peer-a")))
        .isEqualTo(50);
    assertThat(telemetry.sum("perftrace.transfer.io", transfer("receive", "peer-b")))
        .isEqualTo(7);
    assertThat(telemetry.sumPoints("perftrace.transfer.io")).hasSize(3);
    assertThat(telemetry.metric("perftrace.transfer.io").orElseThrow().getUnit()).isEqualTo("By");
  }

  @Test
  void recordBytes_recordsTransferSizeHistogram() {
    tracer.recordBytes(Direction.IN, "peer-a", 100);
    tracer.recordBytes(Direction.IN, "peer-a", 5000);

    HistogramPointData point =
        telemetry.histogram("perftrace.transfer.size", transfer("receive", "peer-a"));
    assertThat(point.getCount()).isEqualTo(2);
    assertThat(point.getSum()).isEqualTo(5100.0);
    assertThat(point.getBoundaries())
        .containsExactly(64.0, 256.0, 1024.0, 4096.0, 16384.0, 65536.0, 262144.0, 1048576.0,
            4194304.0, 16777216.0, 67108864.0);
    // 100 in (64, 256], 5000 in (4096, 16384]
    assertThat(point.getCounts()).containsExactly(0L, 1L, 0L, 0L, 1L, 0L, 0L, 0L, 0L, 0L, 0L, 0L);
  }

  @Test
  void recordBytes_totalsOnTheCurrentOperationSpan() {
    try (Operation op = tracer.start("download")) {
      tracer.recordBytes(Direction.IN, "peer-a", 1000);
      tracer.recordBytes(Direction.IN, "peer-b", 24);
      tracer.recordBytes(Direction.OUT, "peer-a", 10);
    }

    SpanData span = telemetry.span("download");
    assertThat(span.getAttributes().get(PerfAttributes.BYTES_RECEIVED)).isEqualTo(1024L);
    assertThat(span.getAttributes().get(PerfAttributes.BYTES_SENT)).isEqualTo(10L);
  }

  @Test
  void recordBytes_totalsOnlyOnTheInnermostOperation() {
    try (Operation outer = tracer.start("outer")) {
      try (Operation inner = tracer.start("inner")) {
        tracer.recordBytes(Direction.OUT, "peer-a", 5);
      }
    }

    assertThat(telemetry.span("inner").getAttributes().get(PerfAttributes.BYTES_SENT))
        .isEqualTo(5L);
    assertThat(telemetry.span("outer").getAttributes().get(PerfAttributes.BYTES_SENT)).isNull();
  }

  @Test
  void startTransfer_recordsChunksOnceOnClose() {
    try (Operation op = tracer.start("upload")) {
      try (Transfer transfer = tracer.startTransfer(Direction.OUT, "peer-a")) {
        for (int i = 0; i < 1000; i++) {
          transfer.chunk(64);
        }
        assertThat(transfer.bytes()).isEqualTo(64_000);
        assertThat(telemetry.sum("perftrace.transfer.io", transfer("transmit", "peer-a")))
            .isEqualTo(0);
      }
    }

    assertThat(telemetry.sum("perftrace.transfer.io", transfer("transmit", "peer-a")))
        .isEqualTo(64_000);
    HistogramPointData size =
        telemetry.histogram("perftrace.transfer.size", transfer("transmit", "peer-a"));
    assertThat(size.getCount()).isEqualTo(1);
    assertThat(size.getSum()).isEqualTo(64_000.0);
    assertThat(telemetry.span("upload").getAttributes().get(PerfAttributes.BYTES_SENT))
        .isEqualTo(64_000L);
  }

  @Test
  void startTransfer_closeTwiceRecordsOnce() {
    Transfer transfer = tracer.startTransfer(Direction.IN, "peer-a");
    transfer.chunk(10);
    transfer.close();
    transfer.close();

    assertThat(telemetry.sum("perftrace.transfer.io", transfer("receive", "peer-a")))
        .isEqualTo(10);
  }

  @Test
  void chunk_negativeIsDroppedAndCounted() {
    try (Transfer transfer = tracer.startTransfer(Direction.IN, "peer-a")) {
      transfer.chunk(10);
      transfer.chunk(-5);
      assertThat(transfer.bytes()).isEqualTo(10);
    }

    assertThat(telemetry.sum("perftrace.transfer.io", transfer("receive", "peer-a")))
        .isEqualTo(10);
    assertThat(telemetry.rejected("bytes_negative")).isEqualTo(1);
  }
}

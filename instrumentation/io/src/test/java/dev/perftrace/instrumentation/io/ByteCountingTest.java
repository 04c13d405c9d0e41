package dev.perftrace.instrumentation.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perftrace.Direction;
import dev.perftrace.Operation;
import dev.perftrace.PerfAttributes;
import dev.perftrace.PerfTracer;
import dev.perftrace.Transfer;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@SuppressWarnings("try") // operations held open for their side effect
class ByteCountingTest {

  private final IoTelemetry telemetry = new IoTelemetry();
  private final PerfTracer tracer = PerfTracer.create(telemetry.sdk, "io.test");

  @AfterEach
  void close() {
    telemetry.close();
  }

  /** A real transfer, with the number of close calls counted. */
  private static final class CountedTransfer implements Transfer {
    final Transfer real;
    int closes;

    CountedTransfer(Transfer real) {
      this.real = real;
    }

    @Override
    public void chunk(long bytes) {
      real.chunk(bytes);
    }

    @Override
    public long bytes() {
      return real.bytes();
    }

    @Override
    public void close() {
      closes++;
      real.close();
    }
  }

  private CountedTransfer transfer(Direction direction) {
    return new CountedTransfer(tracer.startTransfer(direction, "peer"));
  }

  private static byte[] data(int size) {
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) i;
    }
    return bytes;
  }

  /** Returns at most {@code max} bytes per read: partial reads. */
  private static InputStream trickle(byte[] bytes, int max) {
    return new FilterInputStream(new ByteArrayInputStream(bytes)) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return super.read(b, off, Math.min(len, max));
      }
    };
  }

  private static Attributes attrs(String direction) {
    return Attributes.of(
        PerfAttributes.NETWORK_IO_DIRECTION, direction, PerfAttributes.TRANSFER_SOURCE, "peer");
  }

  @Test
  void readSingleBytes_countsEachByteAndNotEof() throws IOException {
    CountedTransfer t = transfer(Direction.IN);
    InputStream in = ByteCounting.inputStream(new ByteArrayInputStream(data(3)), t);
    assertThat(in.read()).isEqualTo(0);
    assertThat(in.read()).isEqualTo(1);
    assertThat(in.read()).isEqualTo(2);
    assertThat(in.read()).isEqualTo(-1);
    assertThat(in.read()).isEqualTo(-1);
    assertThat(t.bytes()).isEqualTo(3);
  }

  @Test
  void readArray_partialReads_countsReturnValues() throws IOException {
    CountedTransfer t = transfer(Direction.IN);
    InputStream in = ByteCounting.inputStream(trickle(data(1000), 7), t);
    byte[] buffer = new byte[100];
    assertThat(in.read(buffer)).isEqualTo(7);
    assertThat(t.bytes()).isEqualTo(7);
    assertThat(in.read(buffer, 10, 5)).isEqualTo(5);
    assertThat(t.bytes()).isEqualTo(12);
    assertThat(in.read(buffer, 0, 0)).isEqualTo(0);
    long total = 12;
    int n;
    while ((n = in.read(buffer, 0, buffer.length)) != -1) {
      total += n;
    }
    assertThat(total).isEqualTo(1000);
    assertThat(t.bytes()).isEqualTo(1000);
  }

  @Test
  void readAllBytesAndReadNBytes_countLengths() throws IOException {
    CountedTransfer t = transfer(Direction.IN);
    InputStream in = ByteCounting.inputStream(trickle(data(500), 13), t);
    assertThat(in.readNBytes(100)).hasSize(100);
    assertThat(t.bytes()).isEqualTo(100);
    assertThat(in.readNBytes(new byte[50], 0, 50)).isEqualTo(50);
    assertThat(t.bytes()).isEqualTo(150);
    assertThat(in.readAllBytes()).hasSize(350);
    assertThat(t.bytes()).isEqualTo(500);
    assertThat(in.readAllBytes()).isEmpty();
    assertThat(t.bytes()).isEqualTo(500);
  }

  @Test
  void transferTo_countsBytesDelivered() throws IOException {
    CountedTransfer t = transfer(Direction.IN);
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    InputStream in = ByteCounting.inputStream(trickle(data(20_000), 999), t);
    assertThat(in.transferTo(sink)).isEqualTo(20_000);
    assertThat(sink.toByteArray()).isEqualTo(data(20_000));
    assertThat(t.bytes()).isEqualTo(20_000);
  }

  @Test
  void transferTo_failingTarget_countsOnlyWhatTheTargetTook() {
    CountedTransfer t = transfer(Direction.IN);
    OutputStream failsOnSecondWrite =
        new OutputStream() {
          int writes;

          @Override
          public void write(int b) {}

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            if (++writes == 2) {
              throw new IOException("disk full");
            }
          }
        };
    InputStream in = ByteCounting.inputStream(trickle(data(10_000), 1000), t);
    assertThatThrownBy(() -> in.transferTo(failsOnSecondWrite)).hasMessage("disk full");
    assertThat(t.bytes()).isEqualTo(1000);
  }

  @Test
  void skip_isNotCounted_resetReadsCountAgain() throws IOException {
    CountedTransfer t = transfer(Direction.IN);
    InputStream in = ByteCounting.inputStream(new ByteArrayInputStream(data(100)), t);
    assertThat(in.skip(40)).isEqualTo(40);
    assertThat(t.bytes()).isZero();
    assertThat(in.markSupported()).isTrue();
    in.mark(100);
    assertThat(in.readNBytes(10)).hasSize(10);
    in.reset();
    assertThat(in.readNBytes(10)).hasSize(10);
    assertThat(t.bytes()).isEqualTo(20);
    assertThat(in.available()).isEqualTo(50);
  }

  @Test
  void close_recordsOnceOnMetricsAndOnTheOperationSpan() throws IOException {
    try (Operation op = tracer.start("download")) {
      CountedTransfer t = transfer(Direction.IN);
      InputStream in = ByteCounting.inputStream(trickle(data(40_000), 4096), t);
      assertThat(in.readAllBytes()).hasSize(40_000);
      in.close();
      in.close();
      assertThat(t.closes).isEqualTo(1);
    }
    assertThat(telemetry.longSums("perftrace.transfer.io"))
        .containsExactlyInAnyOrderEntriesOf(Map.of(attrs("receive"), 40_000L));
    HistogramPointData size = telemetry.histograms("perftrace.transfer.size").get(attrs("receive"));
    assertThat(size.getCount()).isEqualTo(1);
    assertThat(size.getSum()).isEqualTo(40_000);
    List<SpanData> spans = telemetry.spans.getFinishedSpanItems();
    assertThat(spans).hasSize(1);
    assertThat(spans.get(0).getAttributes().get(PerfAttributes.BYTES_RECEIVED)).isEqualTo(40_000L);
  }

  @Test
  void close_underlyingCloseThrows_propagatesAndStillRecordsOnce() throws IOException {
    CountedTransfer t = transfer(Direction.IN);
    InputStream failing =
        new ByteArrayInputStream(data(10)) {
          @Override
          public void close() throws IOException {
            throw new IOException("close failed");
          }
        };
    InputStream in = ByteCounting.inputStream(failing, t);
    assertThat(in.readAllBytes()).hasSize(10);
    assertThatThrownBy(in::close).isInstanceOf(IOException.class).hasMessage("close failed");
    assertThatCode(in::close).doesNotThrowAnyException();
    assertThat(t.closes).isEqualTo(1);
    assertThat(telemetry.longSums("perftrace.transfer.io"))
        .containsExactlyInAnyOrderEntriesOf(Map.of(attrs("receive"), 10L));
  }

  @Test
  void readFails_countsNothingAndPropagates() {
    CountedTransfer t = transfer(Direction.IN);
    InputStream failing =
        new InputStream() {
          @Override
          public int read() throws IOException {
            throw new IOException("reset by peer");
          }
        };
    InputStream in = ByteCounting.inputStream(failing, t);
    assertThatThrownBy(in::read).hasMessage("reset by peer");
    assertThatThrownBy(() -> in.read(new byte[8])).hasMessage("reset by peer");
    assertThat(t.bytes()).isZero();
  }

  @Test
  void writeVariants_countLengthsWritten() throws IOException {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    CountedTransfer t;
    try (Operation op = tracer.start("upload")) {
      t = transfer(Direction.OUT); // started inside the operation: its totals get the bytes
      OutputStream out = ByteCounting.outputStream(sink, t);
      out.write(1);
      assertThat(t.bytes()).isEqualTo(1);
      out.write(data(10));
      assertThat(t.bytes()).isEqualTo(11);
      out.write(data(100), 20, 30);
      assertThat(t.bytes()).isEqualTo(41);
      out.write(data(5), 0, 0);
      out.flush();
      out.close();
      out.close();
    }
    assertThat(sink.size()).isEqualTo(41);
    assertThat(t.closes).isEqualTo(1);
    assertThat(telemetry.longSums("perftrace.transfer.io"))
        .containsExactlyInAnyOrderEntriesOf(Map.of(attrs("transmit"), 41L));
    assertThat(telemetry.spans.getFinishedSpanItems().get(0).getAttributes()
            .get(PerfAttributes.BYTES_SENT))
        .isEqualTo(41L);
  }

  @Test
  void writeFails_countsNothingAndPropagates_closeFailureStillRecords() {
    CountedTransfer t = transfer(Direction.OUT);
    OutputStream failing =
        new FilterOutputStream(new ByteArrayOutputStream()) {
          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            throw new IOException("broken pipe");
          }

          @Override
          public void close() throws IOException {
            throw new IOException("close failed");
          }
        };
    OutputStream out = ByteCounting.outputStream(failing, t);
    assertThatThrownBy(() -> out.write(data(10), 0, 10)).hasMessage("broken pipe");
    assertThat(t.bytes()).isZero();
    assertThatThrownBy(out::close).hasMessage("close failed");
    assertThat(t.closes).isEqualTo(1);
  }

  @Test
  void readableChannel_countsReadsNotEof_recordsOnceOnClose() throws IOException {
    CountedTransfer t = transfer(Direction.IN);
    ReadableByteChannel channel =
        ByteCounting.readableChannel(Channels.newChannel(trickle(data(3000), 1000)), t);
    ByteBuffer buffer = ByteBuffer.allocate(700);
    long total = 0;
    int n;
    while ((n = channel.read(buffer)) != -1) {
      total += n;
      buffer.clear();
    }
    assertThat(total).isEqualTo(3000);
    assertThat(t.bytes()).isEqualTo(3000);
    assertThat(channel.isOpen()).isTrue();
    channel.close();
    channel.close();
    assertThat(channel.isOpen()).isFalse();
    assertThat(t.closes).isEqualTo(1);
    assertThat(telemetry.longSums("perftrace.transfer.io"))
        .containsExactlyInAnyOrderEntriesOf(Map.of(attrs("receive"), 3000L));
  }

  @Test
  void writableChannel_countsReturnValues_recordsOnceOnClose() throws IOException {
    CountedTransfer t = transfer(Direction.OUT);
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    WritableByteChannel channel = ByteCounting.writableChannel(Channels.newChannel(sink), t);
    assertThat(channel.write(ByteBuffer.wrap(data(1234)))).isEqualTo(1234);
    assertThat(channel.write(ByteBuffer.allocate(0))).isZero();
    channel.close();
    channel.close();
    assertThat(sink.size()).isEqualTo(1234);
    assertThat(t.bytes()).isEqualTo(1234);
    assertThat(t.closes).isEqualTo(1);
    assertThat(telemetry.longSums("perftrace.transfer.io"))
        .containsExactlyInAnyOrderEntriesOf(Map.of(attrs("transmit"), 1234L));
  }

  @Test
  void failingTransfer_neverBreaksTheStream() throws IOException {
    Transfer broken =
        new Transfer() {
          @Override
          public void chunk(long bytes) {
            throw new IllegalStateException("broken transfer");
          }

          @Override
          public long bytes() {
            return 0;
          }

          @Override
          public void close() {
            throw new IllegalStateException("broken transfer");
          }
        };
    InputStream in = ByteCounting.inputStream(new ByteArrayInputStream(data(10)), broken);
    assertThat(in.readAllBytes()).hasSize(10);
    in.close();
    OutputStream out = ByteCounting.outputStream(new ByteArrayOutputStream(), broken);
    out.write(data(3));
    out.close();
  }

  @Test
  void nullArguments_throwNamingTheParameter() {
    Transfer t = tracer.startTransfer(Direction.IN, "peer");
    assertThatThrownBy(() -> ByteCounting.inputStream(null, t)).hasMessage("in");
    assertThatThrownBy(() -> ByteCounting.inputStream(InputStream.nullInputStream(), null))
        .hasMessage("transfer");
    assertThatThrownBy(() -> ByteCounting.outputStream(null, t)).hasMessage("out");
    assertThatThrownBy(() -> ByteCounting.readableChannel(null, t)).hasMessage("channel");
    assertThatThrownBy(() -> ByteCounting.writableChannel(null, t)).hasMessage("channel");
    assertThatThrownBy(
            () -> ByteCounting.writableChannel(Channels.newChannel(OutputStream.nullOutputStream()), null))
        .hasMessage("transfer");
  }
}

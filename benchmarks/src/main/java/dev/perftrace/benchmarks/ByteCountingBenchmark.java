package dev.perftrace.benchmarks;

import dev.perftrace.Direction;
import dev.perftrace.PerfTracer;
import dev.perftrace.Transfer;
import dev.perftrace.instrumentation.io.ByteCounting;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-call cost of the {@code perftrace-instrumentation-io} counting wrappers against the same
 * calls on the unwrapped streams: {@code read()}, {@code read(byte[])} of 8 KiB and {@code
 * write(byte[], int, int)} of 8 KiB, on endless in-memory streams that copy nothing (so the
 * difference is the wrapper's cost: one virtual call and a field add into a real tracer's {@link
 * Transfer}). The transfers are recorded once, at tear-down.
 *
 * <p>Thread safety: JMH state, one thread (streams and transfers are single-threaded).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(1)
public class ByteCountingBenchmark {

  static final int CHUNK = 8192;

  /** Returns {@code len} on every read without touching the buffer: an endless source. */
  static final class Endless extends InputStream {
    @Override
    public int read() {
      return 42;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      return len;
    }
  }

  /** Accepts every write without touching the buffer. */
  static final class Sink extends OutputStream {
    @Override
    public void write(int b) {}

    @Override
    public void write(byte[] b, int off, int len) {}
  }

  private BenchmarkSdk sdk;
  private Transfer received;
  private Transfer sent;
  private InputStream rawIn;
  private InputStream countingIn;
  private OutputStream rawOut;
  private OutputStream countingOut;
  private final byte[] buffer = new byte[CHUNK];

  /** Builds the SDK, the tracer, the transfers and the streams. */
  @Setup
  public void setUp() {
    sdk = BenchmarkSdk.create();
    PerfTracer tracer =
        PerfTracer.builder(sdk.openTelemetry(), OperationBenchmark.PERFTRACE_SCOPE)
            .setMdcEnabled(false)
            .build();
    received = tracer.startTransfer(Direction.IN, "peer-a");
    sent = tracer.startTransfer(Direction.OUT, "peer-a");
    rawIn = new Endless();
    countingIn = ByteCounting.inputStream(new Endless(), received);
    rawOut = new Sink();
    countingOut = ByteCounting.outputStream(new Sink(), sent);
  }

  /** Records the transfers and closes the SDK. */
  @TearDown
  public void tearDown() throws IOException {
    countingIn.close();
    countingOut.close();
    sdk.close();
  }

  /** Unwrapped: one {@code read()}. */
  @Benchmark
  public int rawReadByte() throws IOException {
    return rawIn.read();
  }

  /** Counting: one {@code read()}. */
  @Benchmark
  public int countingReadByte() throws IOException {
    return countingIn.read();
  }

  /** Unwrapped: one 8 KiB {@code read(byte[])}. */
  @Benchmark
  public int rawReadChunk() throws IOException {
    return rawIn.read(buffer);
  }

  /** Counting: one 8 KiB {@code read(byte[])}. */
  @Benchmark
  public int countingReadChunk() throws IOException {
    return countingIn.read(buffer);
  }

  /** Unwrapped: one 8 KiB write. */
  @Benchmark
  public void rawWriteChunk() throws IOException {
    rawOut.write(buffer, 0, CHUNK);
  }

  /** Counting: one 8 KiB write. */
  @Benchmark
  public void countingWriteChunk() throws IOException {
    countingOut.write(buffer, 0, CHUNK);
  }
}

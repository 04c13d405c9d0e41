package dev.perftrace.instrumentation.io;

import static java.util.Objects.requireNonNull;

import dev.perftrace.Transfer;
import dev.perftrace.instrumentation.io.internal.CountingInputStream;
import dev.perftrace.instrumentation.io.internal.CountingOutputStream;
import dev.perftrace.instrumentation.io.internal.CountingReadableByteChannel;
import dev.perftrace.instrumentation.io.internal.CountingWritableByteChannel;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * Wraps streams and channels so that the bytes that actually pass through them are added to a
 * PerfTrace {@link Transfer}, which is recorded (byte counter, transfer-size histogram, the
 * operation's byte totals) exactly once, when the wrapper is closed.
 *
 * <p>Thread safety: the factories are stateless and thread-safe. A returned wrapper is as
 * thread-safe as the {@link Transfer} it adds to: use it from one thread at a time (the usual
 * read or write loop), as the stream itself requires.
 *
 * <p>What is counted: the bytes a read returned to the caller ({@code read()} returning a byte,
 * the return value of {@code read(byte[], int, int)}, the lengths of {@code readAllBytes}/{@code
 * readNBytes}, the bytes {@code transferTo} wrote to its target) and the bytes a write accepted
 * (the length of a {@code write} that returned normally, the return value of a channel {@code
 * write}). End of stream, zero-length calls and failed calls add nothing. {@code skip} is
 * <em>not</em> counted (skipped bytes never reach the caller); bytes re-read after {@code
 * reset()} are counted again (they passed again).
 *
 * <p>Close: the first {@code close()} closes the wrapped stream and then closes the transfer
 * (records it), also when the wrapped close throws; that exception propagates unchanged. Later
 * closes do nothing. Accounting never throws: a transfer that throws is contained and logged once.
 * Counting allocates nothing per call.
 */
public final class ByteCounting {

  private ByteCounting() {}

  /**
   * Returns {@code in}, counting the bytes read into {@code transfer}; closing it closes {@code in}
   * and records the transfer once.
   *
   * @throws NullPointerException naming {@code in} or {@code transfer} when null
   */
  public static InputStream inputStream(InputStream in, Transfer transfer) {
    return new CountingInputStream(requireNonNull(in, "in"), requireNonNull(transfer, "transfer"));
  }

  /**
   * Returns {@code out}, counting the bytes written into {@code transfer}; closing it closes
   * {@code out} and records the transfer once.
   *
   * @throws NullPointerException naming {@code out} or {@code transfer} when null
   */
  public static OutputStream outputStream(OutputStream out, Transfer transfer) {
    return new CountingOutputStream(
        requireNonNull(out, "out"), requireNonNull(transfer, "transfer"));
  }

  /**
   * Returns {@code channel}, counting the bytes read into {@code transfer}; closing it closes
   * {@code channel} and records the transfer once. The wrapper is a plain {@link
   * ReadableByteChannel} (scattering, seekable or selectable abilities are not passed on).
   *
   * @throws NullPointerException naming {@code channel} or {@code transfer} when null
   */
  public static ReadableByteChannel readableChannel(
      ReadableByteChannel channel, Transfer transfer) {
    return new CountingReadableByteChannel(
        requireNonNull(channel, "channel"), requireNonNull(transfer, "transfer"));
  }

  /**
   * Returns {@code channel}, counting the bytes written into {@code transfer}; closing it closes
   * {@code channel} and records the transfer once. The wrapper is a plain {@link
   * WritableByteChannel}.
   *
   * @throws NullPointerException naming {@code channel} or {@code transfer} when null
   */
  public static WritableByteChannel writableChannel(
      WritableByteChannel channel, Transfer transfer) {
    return new CountingWritableByteChannel(
        requireNonNull(channel, "channel"), requireNonNull(transfer, "transfer"));
  }
}

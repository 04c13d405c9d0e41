package dev.perftrace;

/**
 * A streaming transfer in progress. {@link #chunk(long)} only adds to a field; the transfer is
 * recorded (byte counter, transfer-size histogram, current span totals) once, on {@link
 * #close()}.
 *
 * <p>Thread safety: not thread-safe; use one handle per stream from one thread at a time (the
 * usual shape of a read or write loop). Closing twice is a no-op.
 */
public interface Transfer extends AutoCloseable {

  /** Adds {@code bytes} to this transfer. Negative values are dropped and counted. */
  void chunk(long bytes);

  /** Returns the bytes accepted so far. */
  long bytes();

  /** Records the transfer. Never throws. */
  @Override
  void close();
}

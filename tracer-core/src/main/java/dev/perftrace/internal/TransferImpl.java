package dev.perftrace.internal;

import dev.perftrace.Direction;
import dev.perftrace.Transfer;
import io.opentelemetry.context.Context;

/**
 * A streaming transfer: {@link #chunk} adds to a plain field; {@link #close()} records once.
 * Internal: not API.
 *
 * <p>Thread safety: not thread-safe (one stream, one thread at a time), as the API says.
 */
final class TransferImpl implements Transfer {
  private final DefaultPerfTracer owner;
  private final Direction direction;
  private final SourceDescriptor source;
  private final Context context;
  private long bytes;
  private boolean closed;

  /** {@code source} null means the transfer is dropped: it counts bytes but records nothing. */
  TransferImpl(
      DefaultPerfTracer owner, Direction direction, SourceDescriptor source, Context context) {
    this.owner = owner;
    this.direction = direction;
    this.source = source;
    this.context = context;
  }

  @Override
  public void chunk(long bytes) {
    if (bytes < 0) {
      owner.rejections.reject(Reason.BYTES_NEGATIVE, "Transfer.chunk(" + bytes + ")");
      return;
    }
    long sum = this.bytes + bytes;
    if (sum < 0) { // both are non-negative: only an overflow makes the sum negative
      owner.rejections.reject(Reason.BYTES_OVERFLOW, "Transfer.chunk total passed Long.MAX_VALUE");
      sum = Long.MAX_VALUE;
    }
    this.bytes = sum;
  }

  @Override
  public long bytes() {
    return bytes;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (source != null) {
      owner.recordTransfer(direction, source, bytes, context);
    }
  }
}

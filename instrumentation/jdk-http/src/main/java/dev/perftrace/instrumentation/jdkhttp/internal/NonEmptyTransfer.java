package dev.perftrace.instrumentation.jdkhttp.internal;

import dev.perftrace.Transfer;

/**
 * A transfer recorded only when a byte passed: an exchange without a body in one direction (a
 * GET's request, a 204's response) records no zero-byte transfer. Internal: not API.
 *
 * <p>Thread safety: as the wrapped transfer (one stream, one thread at a time).
 */
public final class NonEmptyTransfer implements Transfer {
  private final Transfer transfer;

  /** Wraps {@code transfer}. */
  public NonEmptyTransfer(Transfer transfer) {
    this.transfer = transfer;
  }

  @Override
  public void chunk(long bytes) {
    transfer.chunk(bytes);
  }

  @Override
  public long bytes() {
    return transfer.bytes();
  }

  /** Records the transfer when it has bytes; an empty one is dropped unrecorded. */
  @Override
  public void close() {
    if (transfer.bytes() > 0) {
      transfer.close();
    }
  }
}

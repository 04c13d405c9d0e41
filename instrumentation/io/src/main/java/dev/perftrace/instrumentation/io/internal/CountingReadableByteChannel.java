package dev.perftrace.instrumentation.io.internal;

import dev.perftrace.Transfer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * A readable channel that adds the bytes it reads to a {@link Transfer} and records it once on
 * close. Internal: not API; see {@code ByteCounting}.
 *
 * <p>Thread safety: one thread at a time, as the transfer.
 */
public final class CountingReadableByteChannel implements ReadableByteChannel {
  private final ReadableByteChannel channel;
  private final Transfer transfer;
  private boolean closed;

  /** Wraps {@code channel}; both non-null (checked by the caller). */
  public CountingReadableByteChannel(ReadableByteChannel channel, Transfer transfer) {
    this.channel = channel;
    this.transfer = transfer;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    int n = channel.read(dst);
    Accounting.chunk(transfer, n);
    return n;
  }

  @Override
  public boolean isOpen() {
    return channel.isOpen();
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      channel.close();
    } finally {
      Accounting.close(transfer);
    }
  }
}

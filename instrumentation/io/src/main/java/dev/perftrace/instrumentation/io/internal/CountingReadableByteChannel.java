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
public final class CountingReadableByteChannel extends CountingChannel<ReadableByteChannel>
    implements ReadableByteChannel {

  /** Wraps {@code channel}; both non-null (checked by the caller). */
  public CountingReadableByteChannel(ReadableByteChannel channel, Transfer transfer) {
    super(channel, transfer);
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    int n = channel.read(dst);
    Accounting.chunk(transfer, n);
    return n;
  }
}

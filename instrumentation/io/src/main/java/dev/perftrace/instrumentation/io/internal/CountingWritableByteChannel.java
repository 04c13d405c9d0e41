package dev.perftrace.instrumentation.io.internal;

import dev.perftrace.Transfer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * A writable channel that adds the bytes it writes to a {@link Transfer} and records it once on
 * close. Internal: not API; see {@code ByteCounting}.
 *
 * <p>Thread safety: one thread at a time, as the transfer.
 */
public final class CountingWritableByteChannel extends CountingChannel<WritableByteChannel>
    implements WritableByteChannel {

  /** Wraps {@code channel}; both non-null (checked by the caller). */
  public CountingWritableByteChannel(WritableByteChannel channel, Transfer transfer) {
    super(channel, transfer);
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    int n = channel.write(src);
    Accounting.chunk(transfer, n);
    return n;
  }
}

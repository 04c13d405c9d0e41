package dev.perftrace.instrumentation.io.internal;

import dev.perftrace.Transfer;
import java.io.IOException;
import java.nio.channels.Channel;

/**
 * What both counting channels share: the wrapped channel, its transfer, and a close that closes
 * the channel and records the transfer exactly once (also when the channel's close throws).
 * Internal: not API.
 *
 * <p>Thread safety: one thread at a time, as the transfer.
 */
abstract class CountingChannel<C extends Channel> implements Channel {
  final C channel;
  final Transfer transfer;
  private boolean closed;

  CountingChannel(C channel, Transfer transfer) {
    this.channel = channel;
    this.transfer = transfer;
  }

  @Override
  public final boolean isOpen() {
    return channel.isOpen();
  }

  @Override
  public final void close() throws IOException {
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

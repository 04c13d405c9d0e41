package dev.perftrace.instrumentation.io.internal;

import dev.perftrace.Transfer;
import java.io.IOException;
import java.io.OutputStream;

/**
 * An output stream that adds the bytes it writes to a {@link Transfer} and records it once on
 * close. Internal: not API; see {@code ByteCounting}.
 *
 * <p>Thread safety: one thread at a time, as the transfer.
 */
public final class CountingOutputStream extends OutputStream {
  private final OutputStream out;
  private final Transfer transfer;
  private final boolean ownsTransfer;
  private boolean closed;

  /** Wraps {@code out}; closing closes {@code out} and the transfer. */
  public CountingOutputStream(OutputStream out, Transfer transfer) {
    this(out, transfer, true);
  }

  /** Wraps {@code out}; {@code ownsTransfer} false: counting only (a {@code transferTo} sink). */
  CountingOutputStream(OutputStream out, Transfer transfer, boolean ownsTransfer) {
    this.out = out;
    this.transfer = transfer;
    this.ownsTransfer = ownsTransfer;
  }

  @Override
  public void write(int b) throws IOException {
    out.write(b);
    Accounting.chunk(transfer, 1);
  }

  @Override
  public void write(byte[] b) throws IOException {
    out.write(b);
    Accounting.chunk(transfer, b.length);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len);
    Accounting.chunk(transfer, len);
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      out.close();
    } finally {
      if (ownsTransfer) {
        Accounting.close(transfer);
      }
    }
  }
}

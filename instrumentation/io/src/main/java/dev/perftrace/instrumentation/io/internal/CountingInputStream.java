package dev.perftrace.instrumentation.io.internal;

import dev.perftrace.Transfer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * An input stream that adds the bytes it returns to a {@link Transfer} and records it once on
 * close. Internal: not API; see {@code ByteCounting}.
 *
 * <p>Thread safety: one thread at a time, as the transfer.
 */
public final class CountingInputStream extends InputStream {
  private final InputStream in;
  private final Transfer transfer;
  private boolean closed;

  /** Wraps {@code in}; both non-null (checked by the caller). */
  public CountingInputStream(InputStream in, Transfer transfer) {
    this.in = in;
    this.transfer = transfer;
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    if (b >= 0) {
      Accounting.chunk(transfer, 1);
    }
    return b;
  }

  @Override
  public int read(byte[] b) throws IOException {
    int n = in.read(b);
    Accounting.chunk(transfer, n);
    return n;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = in.read(b, off, len);
    Accounting.chunk(transfer, n);
    return n;
  }

  @Override
  public byte[] readAllBytes() throws IOException {
    byte[] bytes = in.readAllBytes();
    Accounting.chunk(transfer, bytes.length);
    return bytes;
  }

  @Override
  public byte[] readNBytes(int len) throws IOException {
    byte[] bytes = in.readNBytes(len);
    Accounting.chunk(transfer, bytes.length);
    return bytes;
  }

  @Override
  public int readNBytes(byte[] b, int off, int len) throws IOException {
    int n = in.readNBytes(b, off, len);
    Accounting.chunk(transfer, n);
    return n;
  }

  /** Skips without counting: skipped bytes never reach the caller. */
  @Override
  public long skip(long n) throws IOException {
    return in.skip(n);
  }

  @Override
  public int available() throws IOException {
    return in.available();
  }

  /** Counts the bytes written to {@code out} (so a failing {@code out} counts what it took). */
  @Override
  public long transferTo(OutputStream out) throws IOException {
    java.util.Objects.requireNonNull(out, "out");
    return in.transferTo(new CountingOutputStream(out, transfer, false));
  }

  @Override
  public void mark(int readlimit) {
    in.mark(readlimit);
  }

  @Override
  public void reset() throws IOException {
    in.reset();
  }

  @Override
  public boolean markSupported() {
    return in.markSupported();
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      in.close();
    } finally {
      Accounting.close(transfer);
    }
  }
}

package dev.perftrace.exporter.otlp.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Buffers bytes until a newline and hands each run of complete lines to the target in one {@code
 * write} call, so that several writers appending to the same file (opened in append mode) never
 * interleave inside a line.
 *
 * <p>This class is internal and is not API. Thread safety: synchronized; safe for concurrent use.
 */
public final class LineAtomicOutputStream extends OutputStream {

  private final OutputStream target;
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

  public LineAtomicOutputStream(OutputStream target) {
    this.target = target;
  }

  @Override
  public synchronized void write(int b) throws IOException {
    pending.write(b);
    if (b == '\n') {
      drain();
    }
  }

  @Override
  public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
    pending.write(bytes, offset, length);
    for (int i = offset + length - 1; i >= offset; i--) {
      if (bytes[i] == '\n') {
        drainThroughLastNewline();
        return;
      }
    }
  }

  private void drain() throws IOException {
    pending.writeTo(target);
    pending.reset();
    target.flush();
  }

  private void drainThroughLastNewline() throws IOException {
    byte[] all = pending.toByteArray();
    int last = all.length - 1;
    while (last >= 0 && all[last] != '\n') {
      last--;
    }
    target.write(all, 0, last + 1);
    target.flush();
    pending.reset();
    pending.write(all, last + 1, all.length - last - 1);
  }

  @Override
  public synchronized void flush() throws IOException {
    target.flush();
  }

  @Override
  public synchronized void close() throws IOException {
    if (pending.size() > 0) {
      drain();
    }
    target.close();
  }
}

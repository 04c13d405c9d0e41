package dev.perftrace.examples.store.internal;

import dev.perftrace.Transfer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Streams bodies in chunks, adding each chunk to a PerfTrace {@link Transfer}. Internal: not API.
 *
 * <p>Thread safety: stateless.
 */
public final class Bodies {

  /** Chunk size for reads and writes. */
  public static final int CHUNK_BYTES = 16 * 1024;

  private Bodies() {}

  /**
   * Reads {@code in} to the end, counting each chunk on {@code transfer}.
   *
   * @throws IOException when reading fails or the body exceeds {@code maxBytes}
   */
  public static byte[] read(InputStream in, Transfer transfer, long maxBytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[CHUNK_BYTES];
    long total = 0;
    int n;
    while ((n = in.read(buffer)) != -1) {
      total += n;
      if (total > maxBytes) {
        throw new BodyTooLargeException(maxBytes);
      }
      out.write(buffer, 0, n);
      transfer.chunk(n);
    }
    return out.toByteArray();
  }

  /** Writes {@code content} to {@code out} in chunks, counting each chunk on {@code transfer}. */
  public static void write(byte[] content, OutputStream out, Transfer transfer)
      throws IOException {
    for (int offset = 0; offset < content.length; offset += CHUNK_BYTES) {
      int n = Math.min(CHUNK_BYTES, content.length - offset);
      out.write(content, offset, n);
      transfer.chunk(n);
    }
  }

  /** Thrown when a body is larger than the configured limit. */
  public static final class BodyTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    BodyTooLargeException(long maxBytes) {
      super("body larger than " + maxBytes + " bytes");
    }
  }
}

package dev.perftrace.examples.store.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads bodies with a size limit (PerfTrace's HTTP instrumentation counts their bytes). Internal:
 * not API.
 *
 * <p>Thread safety: stateless.
 */
public final class Bodies {

  /** Chunk size for reads and writes. */
  public static final int CHUNK_BYTES = 16 * 1024;

  private Bodies() {}

  /**
   * Reads {@code in} to the end.
   *
   * @throws IOException when reading fails or the body exceeds {@code maxBytes}
   */
  public static byte[] read(InputStream in, long maxBytes) throws IOException {
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
    }
    return out.toByteArray();
  }

  /** Thrown when a body is larger than the configured limit. */
  public static final class BodyTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    BodyTooLargeException(long maxBytes) {
      super("body larger than " + maxBytes + " bytes");
    }
  }
}

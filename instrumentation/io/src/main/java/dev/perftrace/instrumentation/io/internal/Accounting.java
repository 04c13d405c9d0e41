package dev.perftrace.instrumentation.io.internal;

import dev.perftrace.Transfer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Adds to and closes a {@link Transfer} without ever throwing into the I/O path; a failing
 * transfer is logged once. Internal: not API.
 *
 * <p>Thread safety: stateless apart from the once-only log flag (atomic).
 */
public final class Accounting {
  private static final System.Logger LOG = System.getLogger(Accounting.class.getName());
  private static final AtomicBoolean CHUNK_LOGGED = new AtomicBoolean();
  private static final AtomicBoolean CLOSE_LOGGED = new AtomicBoolean();

  private Accounting() {}

  /** Adds {@code bytes} (when positive) to {@code transfer}; never throws. */
  public static void chunk(Transfer transfer, long bytes) {
    if (bytes <= 0) {
      return;
    }
    try {
      transfer.chunk(bytes);
    } catch (RuntimeException e) {
      if (CHUNK_LOGGED.compareAndSet(false, true)) {
        LOG.log(System.Logger.Level.WARNING, "PerfTrace transfer chunk failed; ignored", e);
      }
    }
  }

  /** Closes (records) {@code transfer}; never throws. */
  public static void close(Transfer transfer) {
    try {
      transfer.close();
    } catch (RuntimeException e) {
      if (CLOSE_LOGGED.compareAndSet(false, true)) {
        LOG.log(System.Logger.Level.WARNING, "PerfTrace transfer close failed; ignored", e);
      }
    }
  }
}

package dev.perftrace.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * What the test kit's process harnesses ({@link PrometheusServer}, {@link BackendProcess}) share:
 * reading a child's log and stopping it.
 *
 * <p>Thread safety: stateless; safe for concurrent use.
 */
final class ChildProcesses {

  private ChildProcesses() {}

  /** Returns the log so far, or a marker naming why it could not be read (for messages). */
  static String readLog(Path log) {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "<log unreadable: " + e + ">";
    }
  }

  /** Stops {@code process}: SIGTERM, then SIGKILL after 10 s; keeps the interrupt status. */
  static void stop(Process process) {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

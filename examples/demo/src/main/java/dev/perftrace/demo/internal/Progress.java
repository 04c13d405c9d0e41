package dev.perftrace.demo.internal;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Prints the progress line once a second, rewriting it in place with {@code \r}. Internal.
 *
 * <p>Thread safety: {@link #start} and {@link #finish} may be called from any thread; printing
 * happens on one daemon thread.
 */
public final class Progress {

  private final Workload workload;
  private final PrintStream out;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "demo-progress");
            t.setDaemon(true);
            return t;
          });
  private int lastLength;

  /** Creates a progress line for {@code workload} printed to {@code out}. */
  public Progress(Workload workload, PrintStream out) {
    this.workload = workload;
    this.out = out;
  }

  /** Starts printing once a second. */
  public void start() {
    timer.scheduleAtFixedRate(this::print, 1, 1, TimeUnit.SECONDS);
  }

  /** Prints the final line and ends it with a newline. */
  public synchronized void finish() {
    timer.shutdownNow();
    print();
    out.println();
    out.flush();
  }

  /** Returns the current progress line (without {@code \r}). */
  public String line() {
    Stats stats = workload.stats();
    Duration total = workload.duration();
    Duration elapsed = workload.elapsed();
    if (elapsed.compareTo(total) > 0) {
      elapsed = total; // the last requests end just after the deadline
    }
    double seconds = Math.max(elapsed.toMillis() / 1000.0, 0.001);
    long shown = elapsed.toSeconds();
    return String.format(
        Locale.ROOT,
        "[%3ds/%ds] requests %d (%.0f/s)  gets %d  puts %d  errors %d  slow %d  read %s  written %s",
        shown,
        total.toSeconds(),
        stats.operations(),
        stats.operations() / seconds,
        stats.gets(),
        stats.puts(),
        stats.errors(),
        stats.slow(),
        bytes(stats.bytesRead()),
        bytes(stats.bytesWritten()));
  }

  private synchronized void print() {
    String line = line();
    int pad = Math.max(0, lastLength - line.length());
    lastLength = line.length();
    out.print("\r" + line + " ".repeat(pad));
    out.flush();
  }

  /** Formats a byte count with a binary unit. */
  public static String bytes(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    if (bytes < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
  }
}

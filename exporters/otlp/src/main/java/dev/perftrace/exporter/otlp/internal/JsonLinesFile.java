package dev.perftrace.exporter.otlp.internal;

import io.opentelemetry.sdk.common.CompletableResultCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * An append-only OTLP-JSON lines file with a size cap and rotation: when a line would take the
 * file past {@code maxFileBytes}, {@code file} is renamed to {@code file.1} (older ones shift to
 * {@code file.2} ... and the oldest beyond {@code maxFiles - 1} rotated files is deleted), and a
 * new file is started. So at most {@code maxFiles * maxFileBytes} bytes are on disk. A single line
 * longer than {@code maxFileBytes} is not written (the caller counts it as dropped).
 *
 * <p>This class is internal and is not API. Thread safety: safe for concurrent use; every
 * instance for the same path (the span and the metric exporter share one file) writes under one
 * lock per path, so lines never interleave and rotation happens once.
 */
public final class JsonLinesFile {

  private static final ConcurrentMap<Path, Object> LOCKS = new ConcurrentHashMap<>();

  private final Path file;
  private final long maxFileBytes;
  private final int maxFiles;
  private final Object lock;

  /**
   * Opens {@code file} for appending (creating it and its parent directories).
   *
   * @throws UncheckedIOException naming the file when it cannot be written
   */
  public JsonLinesFile(Path file, long maxFileBytes, int maxFiles) {
    this.file = file.toAbsolutePath().normalize();
    this.maxFileBytes = maxFileBytes;
    this.maxFiles = maxFiles;
    this.lock = LOCKS.computeIfAbsent(this.file, k -> new Object());
    try {
      Path parent = this.file.getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.write(this.file, new byte[0], StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException | RuntimeException e) {
      throw new UncheckedIOException(
          "cannot open the OTLP JSON file " + file + " for appending: " + e,
          e instanceof IOException ? (IOException) e : new IOException(e));
    }
  }

  public Path path() {
    return file;
  }

  /**
   * Appends {@code json} and a newline; returns false when the line is longer than the size cap
   * and was not written.
   *
   * @throws IOException when the file cannot be written
   */
  public boolean append(String json) throws IOException {
    byte[] line = (json + "\n").getBytes(StandardCharsets.UTF_8);
    if (line.length > maxFileBytes) {
      return false;
    }
    synchronized (lock) {
      long size = Files.exists(file) ? Files.size(file) : 0;
      if (size > 0 && size + line.length > maxFileBytes) {
        rotate();
      }
      Files.write(file, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
    return true;
  }

  private void rotate() throws IOException {
    if (maxFiles <= 1) {
      Files.delete(file);
      return;
    }
    Files.deleteIfExists(rotated(maxFiles - 1));
    for (int i = maxFiles - 2; i >= 1; i--) {
      Path from = rotated(i);
      if (Files.exists(from)) {
        Files.move(from, rotated(i + 1), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    Files.move(file, rotated(1), StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * Appends the line that {@code json} builds, as an export result: success; a failure with
   * {@link FileCapExceededException} when the line is larger than the cap; or a failure with the
   * error that building or writing it threw. Never throws.
   */
  CompletableResultCode export(Supplier<String> json) {
    try {
      return append(json.get())
          ? CompletableResultCode.ofSuccess()
          : CompletableResultCode.ofExceptionalFailure(new FileCapExceededException(this));
    } catch (IOException | RuntimeException e) {
      return CompletableResultCode.ofExceptionalFailure(e);
    }
  }

  /** Returns the path of the {@code index}-th rotated file ({@code file.1} is the newest). */
  public Path rotated(int index) {
    return file.resolveSibling(file.getFileName() + "." + index);
  }
}

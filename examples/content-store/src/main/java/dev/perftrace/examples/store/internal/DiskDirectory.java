package dev.perftrace.examples.store.internal;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The disk tier: one file per key in a directory, written atomically (temporary file, then a
 * rename). Internal: not API.
 *
 * <p>Thread safety: safe for concurrent use; readers see either the old or the new content of a
 * key, never a partial file.
 */
public final class DiskDirectory {

  private final Path directory;

  /** Uses {@code directory}, creating it when missing. */
  public DiskDirectory(Path directory) throws IOException {
    this.directory = Files.createDirectories(directory);
  }

  /** Returns the directory. */
  public Path directory() {
    return directory;
  }

  /** Returns the content of {@code key}, or {@code null} when the disk tier does not have it. */
  public byte[] read(String key) throws IOException {
    try {
      return Files.readAllBytes(directory.resolve(key));
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** Writes {@code content} under {@code key}, replacing any previous content atomically. */
  public void write(String key, byte[] content) throws IOException {
    Path tmp = Files.createTempFile(directory, ".put-", ".tmp");
    try {
      Files.write(tmp, content);
      try {
        Files.move(
            tmp,
            directory.resolve(key),
            StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, directory.resolve(key), StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}

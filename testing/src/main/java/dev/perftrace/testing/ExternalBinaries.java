package dev.perftrace.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds external programs (prometheus, promtool) that integration tests need. When one is missing,
 * the test fails if the environment variable {@code CI} is {@code true}, and is skipped with a
 * clear message otherwise.
 *
 * <p>Thread safety: stateless; safe for concurrent use.
 */
public final class ExternalBinaries {

  private ExternalBinaries() {}

  /** Returns the path of {@code name} on the {@code PATH}, failing or skipping when absent. */
  public static Path require(String name, String debianPackage) {
    Optional<Path> found = find(name);
    if (found.isPresent()) {
      return found.get();
    }
    String message =
        "'"
            + name
            + "' is not on the PATH; install it with `apt-get install --no-install-recommends "
            + debianPackage
            + "` (bash .ci/run does)";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError(message + " [CI=true: failing instead of skipping]");
    }
    Assumptions.abort(message);
    throw new AssertionError("unreachable");
  }

  /** Returns the path of {@code name} on the {@code PATH}, if any. */
  public static Optional<Path> find(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}

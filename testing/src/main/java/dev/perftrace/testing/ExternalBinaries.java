package dev.perftrace.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
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
    return require(name, debianPackage, System.getenv());
  }

  /**
   * Like {@link #require(String, String)}, reading {@code PATH} and {@code CI} from {@code
   * environment} instead of the process environment (so the test kit's own tests can exercise
   * both branches).
   */
  public static Path require(String name, String debianPackage, Map<String, String> environment) {
    Optional<Path> found = find(name, environment.get("PATH"));
    if (found.isPresent()) {
      return found.get();
    }
    String message =
        "'"
            + name
            + "' is not on the PATH; install it with `apt-get install --no-install-recommends "
            + debianPackage
            + "` (bash .ci/run does)";
    failUnderCiElseSkip(message, environment);
    throw new AssertionError("unreachable");
  }

  /** Returns whether {@code environment} says this is a CI run ({@code CI=true}, any case). */
  public static boolean isCi(Map<String, String> environment) {
    return "true".equalsIgnoreCase(environment.get("CI"));
  }

  /**
   * Throws {@link AssertionError} (under {@code CI=true}) or aborts the test (JUnit's {@code
   * TestAbortedException}, a skip) with {@code message}; never returns.
   */
  static void failUnderCiElseSkip(String message, Map<String, String> environment) {
    if (isCi(environment)) {
      throw new AssertionError(message + " [CI=true: failing instead of skipping]");
    }
    Assumptions.abort(message);
  }

  /** Returns the path of {@code name} on the {@code PATH}, if any. */
  public static Optional<Path> find(String name) {
    return find(name, System.getenv("PATH"));
  }

  private static Optional<Path> find(String name, String path) {
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

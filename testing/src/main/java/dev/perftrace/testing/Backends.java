package dev.perftrace.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Finds the back-end binaries that {@code scripts/build-backends.sh} builds from Go modules: the
 * PerfTrace Collector distribution ({@code otelcol-perftrace}), the gateway/replay distribution
 * ({@code otelcol-perftrace-gateway}) and Jaeger v2 ({@code jaeger}).
 * Thread safety: stateless; safe for concurrent use.
 *
 * <p>Lookup: {@code $PERFTRACE_BACKENDS_DIR/bin/<name>}, where {@code PERFTRACE_BACKENDS_DIR}
 * defaults to {@code $HOME/.cache/perftrace/backends} (the script's cache directory). A missing
 * binary fails the test when {@code CI=true} and skips it otherwise, naming the script.
 */
public final class Backends {

  /** The environment variable naming the cache directory. */
  public static final String DIR_VARIABLE = "PERFTRACE_BACKENDS_DIR";

  private Backends() {}

  /** Returns the cache directory the build script writes to and the tests read from. */
  public static Path directory() {
    String dir = System.getenv(DIR_VARIABLE);
    if (dir != null && !dir.isBlank()) {
      return Path.of(dir);
    }
    return Path.of(System.getProperty("user.home"), ".cache", "perftrace", "backends");
  }

  /** Returns the otelcol-perftrace binary, failing (CI) or skipping when it is not built. */
  public static Path requireCollector() {
    return require("otelcol-perftrace");
  }

  /**
   * Returns the otelcol-perftrace-gateway binary (the gateway/replay distribution with the
   * loadbalancing exporter and the otlpjsonfile receiver), failing (CI) or skipping when it is not
   * built.
   */
  public static Path requireGatewayCollector() {
    return require("otelcol-perftrace-gateway");
  }

  /** Returns the jaeger binary, failing (CI) or skipping when it is not built. */
  public static Path requireJaeger() {
    return require("jaeger");
  }

  private static Path require(String name) {
    return require(name, directory(), System.getenv());
  }

  /**
   * Returns {@code <directory>/bin/<name>}, failing (when {@code environment} has {@code CI=true})
   * or skipping when it is not an executable file. Package-private for the test kit's own tests.
   */
  static Path require(String name, Path directory, Map<String, String> environment) {
    Path binary = directory.resolve("bin").resolve(name);
    if (Files.isExecutable(binary)) {
      return binary;
    }
    String message =
        "'"
            + binary
            + "' is not built; run scripts/build-backends.sh (Go and the Go module proxy"
            + " needed; set "
            + DIR_VARIABLE
            + " to use another cache directory)";
    ExternalBinaries.failUnderCiElseSkip(message, environment);
    throw new AssertionError("unreachable");
  }
}

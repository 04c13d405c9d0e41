package dev.perftrace.testing;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A back-end process (the PerfTrace collector or Jaeger) started by a test with a configuration
 * file and environment variables for every address, its output in a log file, waited for through
 * its health endpoint. Thread safety: {@link #log()} and the accessors are safe for concurrent use;
 * {@link #close()} once.
 *
 * <p>Ports are chosen by the test ({@code PrometheusServer.freePort()}) and passed in, because
 * neither the collector nor Jaeger reports the port it bound when given port 0. A port found free
 * can be taken by another process before the back-end binds it, so {@link #start(String, Path,
 * Path, Supplier)} chooses the ports afresh and starts again (up to {@value #BIND_ATTEMPTS}
 * attempts) when the process exits reporting {@code address already in use}.
 */
public final class BackendProcess implements AutoCloseable {

  /** How often {@link #start(String, Path, Path, Supplier)} tries when a port was taken. */
  public static final int BIND_ATTEMPTS = 3;

  private static final String ADDRESS_IN_USE = "address already in use";

  private final String name;
  private final Process process;
  private final Path log;
  private final Map<String, String> environment;

  private BackendProcess(String name, Process process, Path log, Map<String, String> environment) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.environment = environment;
  }

  /**
   * Runs {@code binary args...} to completion (for example {@code validate --config=...}) with the
   * given extra environment, and returns its exit code and combined output.
   */
  public static Result run(Path binary, Map<String, String> environment, String... args) {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.addAll(List.of(args));
    try {
      Path out = Files.createTempFile("perftrace-backend-", ".log");
      ProcessBuilder builder =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
      builder.environment().putAll(environment);
      Process process = builder.start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(command + " did not finish within 60 s");
      }
      String output = Files.readString(out);
      Files.deleteIfExists(out);
      return new Result(process.exitValue(), output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The exit code and combined stdout/stderr of a finished command. */
  public record Result(int exitCode, String output) {}

  /** What one start attempt uses: the extra environment (every address) and the health URI. */
  public record Launch(Map<String, String> environment, URI healthUri) {
    /** Checks and copies its arguments. */
    public Launch {
      environment = Map.copyOf(requireNonNull(environment, "environment"));
      requireNonNull(healthUri, "healthUri");
    }
  }

  /**
   * Starts the back-end like {@link #start(String, Path, Path, Map, URI)} with the environment and
   * health URI {@code launch} gives; when the process exits because an address was already in use
   * (another process took a port between its choice and the bind), asks {@code launch} for fresh
   * ports and starts again, up to {@value #BIND_ATTEMPTS} attempts in all. {@code extraArgs}
   * follow {@code --config=<config>} as in {@link #start(String, Path, Path, Map, URI, String...)}.
   */
  public static BackendProcess start(
      String name, Path binary, Path config, Supplier<Launch> launch, String... extraArgs) {
    requireNonNull(launch, "launch");
    for (int attempt = 1; ; attempt++) {
      Launch chosen = requireNonNull(launch.get(), "launch.get()");
      try {
        return start(name, binary, config, chosen.environment(), chosen.healthUri(), extraArgs);
      } catch (AssertionError e) {
        if (attempt >= BIND_ATTEMPTS || !isAddressInUse(e)) {
          throw e;
        }
      }
    }
  }

  /** Returns whether a start failure was a bind on a port another process had taken. */
  static boolean isAddressInUse(AssertionError startFailure) {
    String message = startFailure.getMessage();
    return message != null && message.contains(" exited:\n") && message.contains(ADDRESS_IN_USE);
  }

  /**
   * Starts {@code binary --config=<config>} with {@code environment} added, and waits (30 s)
   * until {@code healthUri} answers 200. The process is destroyed if it does not get healthy.
   */
  public static BackendProcess start(
      String name, Path binary, Path config, Map<String, String> environment, URI healthUri) {
    return start(name, binary, config, environment, healthUri, new String[0]);
  }

  /**
   * As {@link #start(String, Path, Path, Map, URI)}, with {@code extraArgs} after {@code
   * --config=<config>} (for example a second {@code --config=yaml:...} layer that overrides one
   * setting of the shipped file without editing it).
   */
  public static BackendProcess start(
      String name,
      Path binary,
      Path config,
      Map<String, String> environment,
      URI healthUri,
      String... extraArgs) {
    requireNonNull(name, "name");
    Map<String, String> env = new LinkedHashMap<>(environment);
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.add("--config=" + config);
    command.addAll(List.of(extraArgs));
    try {
      Path log = Files.createTempFile("perftrace-" + name + "-", ".log");
      ProcessBuilder builder =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      builder.environment().putAll(env);
      BackendProcess backend = new BackendProcess(name, builder.start(), log, Map.copyOf(env));
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
      try {
        Poll.until(
            name + " to become healthy at " + healthUri + " (log: " + log + ")",
            Duration.ofSeconds(30),
            () -> {
              if (!backend.process.isAlive()) {
                throw new AssertionError(name + " exited:\n" + backend.log());
              }
              try {
                return http.send(
                            HttpRequest.newBuilder(healthUri)
                                .timeout(Duration.ofSeconds(1))
                                .build(),
                            HttpResponse.BodyHandlers.discarding())
                        .statusCode()
                    == 200;
              } catch (IOException e) {
                return false;
              }
            });
      } catch (RuntimeException | AssertionError e) {
        backend.close();
        throw e;
      }
      return backend;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Returns the environment the process was started with (beyond the inherited one). */
  public Map<String, String> environment() {
    return environment;
  }

  /** Returns whether the process is still running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** Returns the process output so far (for assertion messages). */
  public String log() {
    return ChildProcesses.readLog(log);
  }

  /** Stops the process (SIGTERM, then SIGKILL after 10 s). */
  @Override
  public void close() {
    ChildProcesses.stop(process);
  }

  @Override
  public String toString() {
    return name + " " + environment;
  }
}

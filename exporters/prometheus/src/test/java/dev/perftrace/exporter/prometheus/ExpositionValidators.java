package dev.perftrace.exporter.prometheus;

import dev.perftrace.testing.ExternalBinaries;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Real validators of an exposition: {@code promtool check metrics} (text 0.0.4, Debian package
 * {@code prometheus}) and the strict OpenMetrics parser of the Python client (Debian package
 * {@code python3-prometheus-client}). A missing one fails the test under {@code CI=true} and
 * skips it otherwise, naming the package.
 */
final class ExpositionValidators {

  /** Exit code of promtool for lint problems (the text parsed, but names break conventions). */
  static final int PROMTOOL_LINT_PROBLEMS = 3;

  private static final String PYTHON_PACKAGE = "python3-prometheus-client";
  private static final String PARSER_SCRIPT =
      "import sys\n"
          + "from prometheus_client.openmetrics.parser import text_string_to_metric_families\n"
          + "for path in sys.argv[1:]:\n"
          + "    try:\n"
          + "        with open(path, encoding='utf-8') as f:\n"
          + "            for family in text_string_to_metric_families(f.read()):\n"
          + "                list(family.samples)\n"
          + "        print('OK')\n"
          + "    except Exception as e:\n"
          + "        print('ERR ' + repr(e).replace('\\n', ' '))\n";

  private ExpositionValidators() {}

  /** Result of one promtool run. */
  record Promtool(int exitCode, String output) {
    /** Whether promtool could parse the text (lint problems allowed). */
    boolean parsed() {
      return (exitCode == 0 || exitCode == PROMTOOL_LINT_PROBLEMS)
          && !output.contains("error while linting");
    }
  }

  /** Runs {@code promtool check metrics} on {@code text}. */
  static Promtool promtool(String text) {
    Path promtool = ExternalBinaries.require("promtool", "prometheus");
    try {
      Process process =
          new ProcessBuilder(promtool.toString(), "check", "metrics")
              .redirectErrorStream(true)
              .start();
      try (OutputStream stdin = process.getOutputStream()) {
        stdin.write(text.getBytes(StandardCharsets.UTF_8));
      }
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("promtool did not finish in 30 s");
      }
      return new Promtool(process.exitValue(), output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * Parses each OpenMetrics text with the Python client's strict parser in one process; returns,
   * per text, {@code OK} or {@code ERR} and the parser's message.
   */
  static List<String> openMetricsParse(List<String> texts) {
    Path python = requirePythonParser();
    try {
      Path dir = Files.createTempDirectory("perftrace-om-");
      List<String> command = new ArrayList<>(List.of(python.toString(), "-c", PARSER_SCRIPT));
      for (int i = 0; i < texts.size(); i++) {
        Path file = dir.resolve(i + ".txt");
        Files.writeString(file, texts.get(i), StandardCharsets.UTF_8);
        command.add(file.toString());
      }
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("the OpenMetrics parser did not finish in 60 s");
      }
      List<String> results = output.isEmpty() ? List.of() : List.of(output.split("\n"));
      if (process.exitValue() != 0 || results.size() != texts.size()) {
        throw new AssertionError("the OpenMetrics parser failed: " + output);
      }
      for (int i = 0; i < texts.size(); i++) {
        Files.delete(dir.resolve(i + ".txt"));
      }
      Files.delete(dir);
      return results;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Returns a python3 that has the Debian OpenMetrics parser, failing or skipping without. */
  private static Path requirePythonParser() {
    List<Path> candidates = new ArrayList<>();
    candidates.add(Path.of("/usr/bin/python3"));
    ExternalBinaries.find("python3").ifPresent(candidates::add);
    for (Path candidate : candidates) {
      if (Files.isExecutable(candidate) && canImportParser(candidate)) {
        return candidate;
      }
    }
    String message =
        "no python3 with prometheus_client.openmetrics.parser; install it with `apt-get install"
            + " -y --no-install-recommends " + PYTHON_PACKAGE + "`";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError(message + " [CI=true: failing instead of skipping]");
    }
    Assumptions.abort(message);
    throw new AssertionError("unreachable");
  }

  private static boolean canImportParser(Path python) {
    try {
      Process process =
          new ProcessBuilder(
                  python.toString(), "-c", "import prometheus_client.openmetrics.parser")
              .redirectErrorStream(true)
              .start();
      process.getOutputStream().close();
      process.getInputStream().readAllBytes();
      return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}

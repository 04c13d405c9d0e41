package dev.perftrace.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The documented precedence tiers (exporters/sdk/README.md), each in a child JVM whose
 * environment the test sets: builder &lt; environment variable &lt; system property &lt;
 * {@code setConfigProperties}. Observed through {@code perftrace.otlp.file} (which file gets the
 * span) and {@code otel.service.name} (the resource in that file).
 */
class SettingsPrecedenceIT {

  @TempDir Path tempDir;

  @Test
  void builderOnly_builderValuesWin() throws Exception {
    Path builder = tempDir.resolve("builder.jsonl");
    run(Map.of(), List.of(), builder, null);
    assertSpanIn(builder, "from-builder");
  }

  @Test
  void environment_overridesBuilder() throws Exception {
    Path builder = tempDir.resolve("builder.jsonl");
    Path env = tempDir.resolve("env.jsonl");
    run(Map.of("PERFTRACE_OTLP_FILE", env.toString(), "OTEL_SERVICE_NAME", "from-env"),
        List.of(), builder, null);
    assertSpanIn(env, "from-env");
    assertThat(builder).doesNotExist();
  }

  @Test
  void systemProperty_overridesEnvironment() throws Exception {
    Path builder = tempDir.resolve("builder.jsonl");
    Path env = tempDir.resolve("env.jsonl");
    Path property = tempDir.resolve("property.jsonl");
    run(Map.of("PERFTRACE_OTLP_FILE", env.toString(), "OTEL_SERVICE_NAME", "from-env"),
        List.of("-Dperftrace.otlp.file=" + property, "-Dotel.service.name=from-property"),
        builder, null);
    assertSpanIn(property, "from-property");
    assertThat(env).doesNotExist();
    assertThat(builder).doesNotExist();
  }

  @Test
  void setConfigProperties_overridesSystemPropertyAndEnvironment() throws Exception {
    Path builder = tempDir.resolve("builder.jsonl");
    Path env = tempDir.resolve("env.jsonl");
    Path property = tempDir.resolve("property.jsonl");
    Path explicit = tempDir.resolve("explicit.jsonl");
    run(Map.of("PERFTRACE_OTLP_FILE", env.toString(), "OTEL_SERVICE_NAME", "from-env"),
        List.of("-Dperftrace.otlp.file=" + property, "-Dotel.service.name=from-property"),
        builder, explicit);
    assertSpanIn(explicit, "from-config");
    assertThat(property).doesNotExist();
    assertThat(env).doesNotExist();
    assertThat(builder).doesNotExist();
  }

  private static void assertSpanIn(Path file, String serviceName) throws IOException {
    assertThat(file).exists();
    List<String> spanLines = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (line.contains("\"resourceSpans\"")) {
        spanLines.add(line);
      }
    }
    assertThat(spanLines).hasSize(1);
    assertThat(spanLines.get(0))
        .contains("\"name\":\"precedence\"")
        .contains("{\"key\":\"service.name\",\"value\":{\"stringValue\":\"" + serviceName + "\"}}");
  }

  private void run(Map<String, String> env, List<String> jvmArgs, Path builderFile, Path explicit)
      throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmArgs);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(PrecedenceChild.class.getName());
    command.add(builderFile.toString());
    if (explicit != null) {
      command.add(explicit.toString());
    }
    ProcessBuilder builder = new ProcessBuilder(command).directory(tempDir.toFile());
    builder.environment().keySet()
        .removeIf(k -> k.startsWith("OTEL_") || k.startsWith("PERFTRACE_"));
    builder.environment().putAll(env);
    Path log = tempDir.resolve("child.log");
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    Process process = builder.start();
    try {
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("child finished").isTrue();
      assertThat(process.exitValue()).as(Files.readString(log)).isZero();
    } finally {
      process.destroyForcibly();
    }
  }
}

package dev.perftrace.agentit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perftrace.testing.otlp.OtlpGrpcReceiver;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs one of this module's applications once in its own JVM under the real agent, exporting
 * OTLP/gRPC to {@code receiver}, and reads what it printed; helpers read PerfTrace's metrics from
 * the receiver. Every agent IT starts its application through here.
 *
 * <p>Thread safety: for one test class's setup thread.
 */
final class AgentRun {
  private static final Path AGENT = Path.of("target", "agent", "opentelemetry-javaagent.jar");
  private static final Path CLASSPATH = Path.of("target", "agent", "app.classpath");

  private AgentRun() {}

  /**
   * Runs {@code app} as service {@code serviceName} with the extra JVM options; returns its {@code
   * key=value} lines (it must print {@code done=true}).
   */
  static Map<String, String> run(
      OtlpGrpcReceiver receiver,
      Duration timeout,
      Class<?> app,
      String serviceName,
      String... options)
      throws IOException, InterruptedException {
    assertThat(AGENT).as("agent jar (mvn generate-test-resources copies it)").isRegularFile();
    String classpath =
        Path.of("target", "classes").toAbsolutePath()
            + java.io.File.pathSeparator
            + Files.readString(CLASSPATH, StandardCharsets.UTF_8).trim();
    Path log = Files.createTempFile(Path.of("target"), app.getSimpleName(), ".log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-javaagent:" + AGENT.toAbsolutePath());
    command.add("-Dotel.service.name=" + serviceName);
    command.add("-Dotel.exporter.otlp.protocol=grpc");
    command.add("-Dotel.exporter.otlp.endpoint=" + receiver.endpoint());
    command.add("-Dotel.traces.exporter=otlp");
    command.add("-Dotel.metrics.exporter=otlp");
    command.add("-Dotel.logs.exporter=none");
    command.add("-Dotel.metric.export.interval=600000");
    command.add("-Dotel.traces.sampler=always_on");
    command.addAll(List.of(options));
    command.add("-cp");
    command.add(classpath);
    command.add(app.getName());
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean exited = process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS);
    if (!exited) {
      process.destroyForcibly();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(exited).as("application exited within %s; output:%n%s", timeout, output).isTrue();
    assertThat(process.exitValue()).as("exit status; output:%n%s", output).isZero();
    Map<String, String> printed = new LinkedHashMap<>();
    for (String line : output.split("\\R")) {
      int eq = line.indexOf('=');
      if (eq > 0 && !line.startsWith("[") && !line.contains(" ")) {
        printed.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    assertThat(printed).as("output:%n%s", output).containsEntry("done", "true");
    return printed;
  }

  /** {@code perftrace.operation.duration} counts of {@code operation} by "outcome error.type". */
  static Map<String, Long> durations(OtlpGrpcReceiver receiver, String operation) {
    Map<String, Long> counts = new TreeMap<>();
    for (Metric metric : receiver.metrics()) {
      if (metric.getName().equals("perftrace.operation.duration")) {
        for (HistogramDataPoint point : metric.getHistogram().getDataPointsList()) {
          List<KeyValue> a = point.getAttributesList();
          if (operation.equals(attribute(a, "perftrace.operation.name"))) {
            counts.merge(
                attribute(a, "perftrace.operation.outcome") + " " + attribute(a, "error.type"),
                point.getCount(),
                Long::sum);
          }
        }
      }
    }
    return counts;
  }

  /** {@code perftrace.transfer.io} sums by "direction source". */
  static Map<String, Long> transferIo(OtlpGrpcReceiver receiver) {
    Map<String, Long> sums = new TreeMap<>();
    for (Metric metric : receiver.metrics()) {
      if (metric.getName().equals("perftrace.transfer.io")) {
        for (NumberDataPoint point : metric.getSum().getDataPointsList()) {
          List<KeyValue> a = point.getAttributesList();
          sums.merge(
              attribute(a, "network.io.direction") + " " + attribute(a, "perftrace.transfer.source"),
              point.getAsInt(),
              Long::sum);
        }
      }
    }
    return sums;
  }

  private static String attribute(List<KeyValue> attributes, String key) {
    for (KeyValue kv : attributes) {
      if (kv.getKey().equals(key)) {
        return kv.getValue().getStringValue();
      }
    }
    return null;
  }
}

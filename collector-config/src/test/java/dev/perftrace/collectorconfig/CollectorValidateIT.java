package dev.perftrace.collectorconfig;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perftrace.testing.BackendProcess;
import dev.perftrace.testing.Backends;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code validate --config} of the real otelcol-perftrace and jaeger binaries. */
class CollectorValidateIT {

  @TempDir Path tempDir;

  @Test
  void agentConfig_validatesWithTheBuiltDistribution() {
    BackendProcess.Result result =
        BackendProcess.run(
            Backends.requireCollector(),
            Map.of(),
            "validate",
            "--config=" + ConfigFiles.resolve("otelcol/agent.yaml"));

    assertThat(result.exitCode()).as(result.output()).isZero();
  }

  @Test
  void agentConfigWithOneTypo_failsValidation() throws Exception {
    String agent = Files.readString(ConfigFiles.resolve("otelcol/agent.yaml"));
    String typo = agent.replace("  memory_limiter:\n", "  memory_limitr:\n");
    assertThat(typo).isNotEqualTo(agent);
    Path file = tempDir.resolve("agent-typo.yaml");
    Files.writeString(file, typo);

    BackendProcess.Result result =
        BackendProcess.run(Backends.requireCollector(), Map.of(), "validate", "--config=" + file);

    assertThat(result.exitCode()).isNotZero();
    assertThat(result.output()).contains("memory_limiter");
  }

  @Test
  void gatewayConfig_needsTheLoadbalancingExporterThatIsNotBuiltHere() {
    // Documented limitation (README, "Components not built here"): the Go module proxy of this
    // build serves no loadbalancingexporter at v0.165.x. This test fails once it is added to the
    // manifest, so the README is updated with it.
    BackendProcess.Result result =
        BackendProcess.run(
            Backends.requireCollector(),
            Map.of(),
            "validate",
            "--config=" + ConfigFiles.resolve("otelcol/gateway.yaml"));

    assertThat(result.exitCode()).isNotZero();
    assertThat(result.output()).contains("unknown type: \"loadbalancing\"");
  }

  @Test
  void jaegerConfig_validatesWithTheBuiltJaeger() {
    BackendProcess.Result result =
        BackendProcess.run(
            Backends.requireJaeger(),
            Map.of(),
            "validate",
            "--config=" + ConfigFiles.resolve("jaeger/config.yaml"));

    assertThat(result.exitCode()).as(result.output()).isZero();
  }
}

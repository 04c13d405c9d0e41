package dev.perftrace.collectorconfig;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The Prometheus files checked and unit-tested by the real promtool. */
class PromtoolIT {

  @Test
  void checkConfig_prometheusYml_isValidWithItsRuleFiles() {
    Promtool.Result result =
        Promtool.run("check", "config", ConfigFiles.prometheusConfig().toString());

    assertThat(result.exitCode).as("%s", result).isZero();
    assertThat(result.output)
        .contains("SUCCESS: 2 rule files found")
        .contains("is valid prometheus config file syntax");
  }

  static List<Path> ruleFiles() {
    return ConfigFiles.ruleFiles();
  }

  @ParameterizedTest
  @MethodSource("ruleFiles")
  void checkRules_ruleFile_isValid(Path ruleFile) {
    int rules = ConfigFiles.rules(ruleFile).size();

    Promtool.Result result = Promtool.run("check", "rules", ruleFile.toString());

    assertThat(result.exitCode).as("%s", result).isZero();
    assertThat(result.output).contains("SUCCESS: " + rules + " rules found");
  }

  static List<Path> ruleTestFiles() {
    return ConfigFiles.ruleTestFiles();
  }

  @ParameterizedTest
  @MethodSource("ruleTestFiles")
  void testRules_unitTestFile_passes(Path testFile) {
    Promtool.Result result = Promtool.run("test", "rules", testFile.toString());

    assertThat(result.exitCode).as("%s", result).isZero();
    assertThat(result.output).contains("SUCCESS").doesNotContain("FAILED");
  }

  @Test
  void testRules_wrongExpectedValue_fails(@TempDir Path dir) throws IOException {
    // The unit tests must be able to fail: a copy of the recording tests with one value changed.
    String original = Files.readString(ConfigFiles.resolve("prometheus/tests/recording_test.yml"));
    String broken =
        original
            .replace("../rules/", ConfigFiles.resolve("prometheus/rules") + "/")
            .replaceFirst("value: 0\\.04\\b", "value: 0.05");
    assertThat(broken).contains("value: 0.05").doesNotContain("value: 0.04");
    Path copy = Files.writeString(dir.resolve("broken_test.yml"), broken);

    Promtool.Result result = Promtool.run("test", "rules", copy.toString());

    assertThat(result.exitCode).as("%s", result).isEqualTo(1);
    assertThat(result.output).contains("FAILED").contains("perftrace_operation:error_ratio:rate5m");
  }
}

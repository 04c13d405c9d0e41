package dev.perftrace.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

class ExternalBinariesTest {

  @TempDir Path dir;

  private Path file(String name, String permissions) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, "#!/bin/sh\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
    return file;
  }

  private Map<String, String> env(String ci) {
    String path = "/nonexistent" + File.pathSeparator + dir;
    return ci == null ? Map.of("PATH", path) : Map.of("PATH", path, "CI", ci);
  }

  @Test
  void require_executableOnThePath_returnsIt() throws IOException {
    Path tool = file("promtool-x", "rwxr-xr-x");

    assertThat(ExternalBinaries.require("promtool-x", "prometheus", env("true"))).isEqualTo(tool);
  }

  @Test
  void require_missingUnderCi_failsNamingThePackage() {
    assertThatThrownBy(() -> ExternalBinaries.require("promtool-x", "prometheus", env("true")))
        .isExactlyInstanceOf(AssertionError.class)
        .hasMessage(
            "'promtool-x' is not on the PATH; install it with `apt-get install"
                + " --no-install-recommends prometheus` (bash .ci/run does)"
                + " [CI=true: failing instead of skipping]");
  }

  @Test
  void require_missingUnderCiInUpperCase_fails() {
    assertThatThrownBy(() -> ExternalBinaries.require("promtool-x", "prometheus", env("TRUE")))
        .isExactlyInstanceOf(AssertionError.class);
  }

  @Test
  void require_missingOutsideCi_skipsWithTheSameHint() {
    assertThatThrownBy(() -> ExternalBinaries.require("promtool-x", "prometheus", env(null)))
        .isExactlyInstanceOf(TestAbortedException.class)
        .hasMessage(
            "'promtool-x' is not on the PATH; install it with `apt-get install"
                + " --no-install-recommends prometheus` (bash .ci/run does)");
    assertThatThrownBy(() -> ExternalBinaries.require("promtool-x", "prometheus", env("false")))
        .isExactlyInstanceOf(TestAbortedException.class);
  }

  @Test
  void require_fileNotExecutable_isMissing() throws IOException {
    file("promtool-x", "rw-r--r--");

    assertThatThrownBy(() -> ExternalBinaries.require("promtool-x", "prometheus", env("true")))
        .isExactlyInstanceOf(AssertionError.class);
  }

  @Test
  void require_directoryOfThatName_isMissing() throws IOException {
    Files.createDirectory(dir.resolve("promtool-x"));

    assertThatThrownBy(() -> ExternalBinaries.require("promtool-x", "prometheus", env("true")))
        .isExactlyInstanceOf(AssertionError.class);
  }

  @Test
  void require_noPathVariable_isMissing() {
    assertThatThrownBy(() -> ExternalBinaries.require("sh", "dash", Map.of("CI", "true")))
        .isExactlyInstanceOf(AssertionError.class);
  }

  @Test
  void isCi_onlyTrue() {
    assertThat(ExternalBinaries.isCi(Map.of("CI", "true"))).isTrue();
    assertThat(ExternalBinaries.isCi(Map.of("CI", "True"))).isTrue();
    assertThat(ExternalBinaries.isCi(Map.of("CI", "1"))).isFalse();
    assertThat(ExternalBinaries.isCi(Map.of())).isFalse();
  }

  @Test
  void backends_builtBinary_returnsIt() throws IOException {
    Files.createDirectory(dir.resolve("bin"));
    Path jaeger = Files.createFile(dir.resolve("bin").resolve("jaeger"));
    Files.setPosixFilePermissions(jaeger, PosixFilePermissions.fromString("rwx------"));

    assertThat(Backends.require("jaeger", dir, Map.of("CI", "true"))).isEqualTo(jaeger);
  }

  @Test
  void backends_missingUnderCi_failsNamingTheScript() {
    assertThatThrownBy(() -> Backends.require("jaeger", dir, Map.of("CI", "true")))
        .isExactlyInstanceOf(AssertionError.class)
        .hasMessage(
            "'" + dir.resolve("bin").resolve("jaeger") + "' is not built; run"
                + " scripts/build-backends.sh (Go and the Go module proxy needed; set"
                + " PERFTRACE_BACKENDS_DIR to use another cache directory)"
                + " [CI=true: failing instead of skipping]");
  }

  @Test
  void backends_missingOutsideCi_skips() {
    assertThatThrownBy(() -> Backends.require("otelcol-perftrace", dir, Map.of()))
        .isExactlyInstanceOf(TestAbortedException.class)
        .hasMessageContaining("scripts/build-backends.sh");
  }
}

package dev.perftrace.buildchecks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * PerfTrace's main code depends on public OpenTelemetry API only: no compiled main class of any
 * module may reference a type in an OpenTelemetry {@code internal} package
 * ({@code io/opentelemetry/**}{@code /internal/**}), except those listed below with a reason.
 *
 * <p>This module is built after every other module (its test-scope dependencies on them order the
 * reactor), so it reads each module's {@code target/classes} of the same build.
 */
class InternalApiReferencesTest {

  /**
   * Internal types still used by main code that issue 8 removes (autoconfigure builds the
   * exporters; PerfTrace's own gRPC sender replaces {@code setChannel}). Each entry must go
   * with its last use: the test also fails on an entry nothing references any more.
   */
  static final Map<String, String> KNOWN_TO_REMOVE = Map.of();

  /**
   * Internal types PerfTrace keeps using because no public API does the job, each with the
   * reason and proven at both ends of the supported OpenTelemetry range by the version tests.
   */
  static final Map<String, String> ALLOWED = Map.of();

  private static final Pattern INTERNAL =
      Pattern.compile("io/opentelemetry/(?:[\\w$]+/)*internal/[\\w$/]*[\\w$]");

  @Test
  void mainClasses_referenceNoOpenTelemetryInternalType_exceptListed() throws IOException {
    Path root = reactorRoot();
    List<Path> modules = modulesWithMainCode(root);
    List<Path> missing = new ArrayList<>();
    Map<String, Set<String>> usersByInternalType = new TreeMap<>();
    int classes = 0;
    for (Path module : modules) {
      Path compiled = module.resolve("target/classes");
      if (!Files.isDirectory(compiled)) {
        missing.add(root.relativize(module));
        continue;
      }
      List<Path> files;
      try (Stream<Path> walk = Files.walk(compiled)) {
        files = walk.filter(p -> p.toString().endsWith(".class")).sorted().collect(Collectors.toList());
      }
      for (Path file : files) {
        classes++;
        String user = root.relativize(module) + ": " + compiled.relativize(file);
        for (String constant : ClassConstants.typeStrings(Files.readAllBytes(file))) {
          Matcher m = INTERNAL.matcher(constant);
          while (m.find()) {
            usersByInternalType.computeIfAbsent(m.group(), k -> new TreeSet<>()).add(user);
          }
        }
      }
    }
    boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
    if (ci) {
      assertThat(missing).as("modules whose main classes were not compiled before this test").isEmpty();
    } else if (!missing.isEmpty()) {
      System.err.println("InternalApiReferencesTest: not compiled, not scanned: " + missing);
    }
    assertThat(classes).as("compiled main classes scanned").isGreaterThan(0);

    Map<String, Set<String>> unlisted = new TreeMap<>(usersByInternalType);
    unlisted.keySet().removeAll(KNOWN_TO_REMOVE.keySet());
    unlisted.keySet().removeAll(ALLOWED.keySet());
    assertThat(unlisted)
        .as("references to OpenTelemetry internal types (type -> referencing classes)")
        .isEmpty();

    if (missing.isEmpty()) {
      Set<String> stale = new TreeSet<>(KNOWN_TO_REMOVE.keySet());
      stale.addAll(ALLOWED.keySet());
      stale.removeAll(usersByInternalType.keySet());
      assertThat(stale).as("listed internal types nothing references any more: delete them").isEmpty();
    }
  }

  @Test
  void pattern_matchesInternalPackagesOnly() {
    assertThat(find("Lio/opentelemetry/exporter/internal/FailedExportException;"))
        .containsExactly("io/opentelemetry/exporter/internal/FailedExportException");
    assertThat(find("(Lio/opentelemetry/sdk/internal/Foo$Bar;I)V"))
        .containsExactly("io/opentelemetry/sdk/internal/Foo$Bar");
    assertThat(find("io/opentelemetry/internal/Top")).containsExactly("io/opentelemetry/internal/Top");
    assertThat(find("Lio/opentelemetry/sdk/common/export/GrpcSender;")).isEmpty();
    assertThat(find("Lio/opentelemetry/sdk/internalish/Foo;")).isEmpty();
    assertThat(find("Ldev/perftrace/exporter/otlp/internal/GuardCore;")).isEmpty();
  }

  @Test
  void constants_ofACompiledClass_includeItsTypesButNotItsStringLiterals() throws IOException {
    Path self =
        Path.of(reactorRoot().toString(), "build-checks/target/test-classes")
            .resolve(Sample.class.getName().replace('.', '/') + ".class");
    List<String> constants = ClassConstants.typeStrings(Files.readAllBytes(self));
    assertThat(constants).contains("java/util/concurrent/atomic/AtomicLong");
    assertThat(constants).doesNotContain("io/opentelemetry/sdk/internal/NotAReference");
  }

  /** Compiled by this module: refers to AtomicLong, mentions an internal name in a literal. */
  static final class Sample {
    final java.util.concurrent.atomic.AtomicLong counter = new java.util.concurrent.atomic.AtomicLong();
    final String text = "io/opentelemetry/sdk/internal/NotAReference";
  }

  private static List<String> find(String constant) {
    List<String> found = new ArrayList<>();
    Matcher m = INTERNAL.matcher(constant);
    while (m.find()) {
      found.add(m.group());
    }
    return found;
  }

  private static Path reactorRoot() throws IOException {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path pom = dir.resolve("pom.xml");
      if (Files.isRegularFile(pom)
          && Files.readString(pom).contains("<artifactId>perftrace-parent</artifactId>")
          && Files.isDirectory(dir.resolve("build-checks"))) {
        return dir;
      }
    }
    throw new IllegalStateException("reactor root (perftrace-parent pom) not found above " + Path.of("").toAbsolutePath());
  }

  /** Every module directory with main Java sources, outside build outputs. */
  private static List<Path> modulesWithMainCode(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root, 6)) {
      return walk.filter(p -> p.endsWith(Path.of("src", "main", "java")))
          .filter(p -> root.relativize(p).toString().split("[/\\\\]")[0].matches("[\\w-]+"))
          .filter(p -> !root.relativize(p).toString().contains("target"))
          .map(p -> p.getParent().getParent().getParent())
          .filter(m -> Files.isRegularFile(m.resolve("pom.xml")))
          .sorted()
          .collect(Collectors.toList());
    }
  }
}

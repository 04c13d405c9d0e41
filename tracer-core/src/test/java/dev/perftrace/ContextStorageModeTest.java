package dev.perftrace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.opentelemetry.context.ContextStorage;
import org.junit.jupiter.api.Test;

/**
 * The tracer-core suite runs under both context storages an application can have (see the
 * surefire executions in this module's pom): OpenTelemetry's plain thread-local storage, where an
 * operation restores the earlier context without keeping the storage's scope, and a wrapping
 * storage (here opentelemetry-sdk-testing's), where it keeps and closes that scope. This checks
 * that each execution really runs under the storage it is meant to.
 */
class ContextStorageModeTest {
  private static final String PLAIN = "io.opentelemetry.context.ThreadLocalContextStorage";

  @Test
  void theExecutionRunsUnderTheStorageItIsMeantTo() {
    String mode = System.getProperty("perftrace.test.contextStorage");
    assumeTrue(mode != null, "run by Maven: the executions set perftrace.test.contextStorage");
    String storage = ContextStorage.get().getClass().getName();
    if (mode.equals("default")) {
      assertThat(storage).isEqualTo(PLAIN);
    } else {
      assertThat(mode).isEqualTo("wrapped");
      assertThat(storage)
          .isEqualTo(
              "io.opentelemetry.sdk.testing.context.SettableContextStorageProvider$SettableContextStorage");
    }
  }
}

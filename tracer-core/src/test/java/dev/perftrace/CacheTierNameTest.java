package dev.perftrace;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.Attributes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Tier names are trimmed the same way at declaration and at recording. */
class CacheTierNameTest {
  private final TestTelemetry telemetry = new TestTelemetry();
  private final PerfTracer tracer = telemetry.tracer();

  @AfterEach
  void tearDown() {
    telemetry.close();
  }

  @Test
  void recordLookup_withSurroundingSpacesFindsTheDeclaredTier() {
    TieredCache cache = tracer.cache("content", " memory ", "disk");
    assertThat(cache.tiers()).containsExactly("memory", "disk");

    cache.recordLookup(" disk ");

    assertThat(
            telemetry.sum(
                "perftrace.cache.requests",
                Attributes.of(
                    PerfAttributes.CACHE_NAME, "content",
                    PerfAttributes.CACHE_TIER, "disk",
                    PerfAttributes.CACHE_RESULT, "hit")))
        .isEqualTo(1);
    assertThat(telemetry.rejected("tier_unknown")).isZero();
  }
}

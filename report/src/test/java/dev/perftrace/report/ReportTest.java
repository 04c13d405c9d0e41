package dev.perftrace.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perftrace.testing.ClosedPort;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReportTest {

  static String resource(String name) {
    try (InputStream in = ReportTest.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Report fixture() {
    return Report.fromExposition(resource("fixture.prom"));
  }

  private static JsonNode json() throws IOException {
    return new ObjectMapper().readTree(fixture().render(ReportFormat.JSON));
  }

  @Test
  void render_text_isExactlyTheExpectedReport() {
    assertThat(fixture().render(ReportFormat.TEXT)).isEqualTo(resource("fixture.txt"));
  }

  @Test
  void render_markdown_isExactlyTheExpectedReport() {
    assertThat(fixture().render(ReportFormat.MARKDOWN)).isEqualTo(resource("fixture.md"));
  }

  @Test
  void render_json_describesTheSource() throws IOException {
    JsonNode source = json().path("source");
    assertThat(source.path("kind").asText()).isEqualTo("exposition");
    assertThat(source.path("rates_available").asBoolean()).isFalse();
    assertThat(source.path("basis").asText())
        .isEqualTo("cumulative since process start; rates n/a (single scrape)");
  }

  @Test
  void render_json_holdsEveryOperationFigure() throws IOException {
    JsonNode get = json().path("operations").get(2);
    assertThat(get.path("name").asText()).isEqualTo("store.get");
    assertThat(get.path("count").asLong()).isEqualTo(100);
    assertThat(get.path("rate_per_second").isNull()).isTrue();
    assertThat(get.path("errors").asLong()).isEqualTo(10);
    assertThat(get.path("error_ratio").asDouble()).isEqualTo(0.1);
    assertThat(get.path("mean_seconds").asDouble()).isEqualTo(0.245);
    assertThat(get.path("p50_seconds").asDouble()).isCloseTo(0.04, within(1e-15));
    assertThat(get.path("p95_seconds").asDouble()).isEqualTo(1.0);
    assertThat(get.path("p99_seconds").asDouble()).isEqualTo(1.0);
  }

  @Test
  void render_json_writesUndefinedFiguresAsNull() throws IOException {
    JsonNode idle = json().path("operations").get(1);
    assertThat(idle.path("name").asText()).isEqualTo("idle.op");
    assertThat(idle.path("mean_seconds").isNull()).isTrue();
    assertThat(idle.path("p50_seconds").isNull()).isTrue();
    assertThat(idle.path("error_ratio").isNull()).isTrue();
  }

  @Test
  void render_json_ranksSlowestOperationsByMean() throws IOException {
    JsonNode slowest = json().path("slowest_operations");
    assertThat(slowest).hasSize(2);
    assertThat(slowest.get(0).path("name").asText()).isEqualTo("db.query");
    assertThat(slowest.get(0).path("mean_seconds").asDouble()).isEqualTo(1.5);
    assertThat(slowest.get(1).path("name").asText()).isEqualTo("store.get");
  }

  @Test
  void render_json_holdsBytesByDirectionAndSource() throws IOException {
    JsonNode root = json();
    JsonNode first = root.path("transfers").get(0);
    assertThat(first.path("direction").asText()).isEqualTo("receive");
    assertThat(first.path("source").asText()).isEqualTo("peer-a");
    assertThat(first.path("bytes").asLong()).isEqualTo(2048);
    assertThat(root.path("transfer_totals").path("receive").asLong()).isEqualTo(3147776);
    assertThat(root.path("transfer_totals").path("transmit").asLong()).isEqualTo(512);
  }

  @Test
  void render_json_holdsCacheHitRatios() throws IOException {
    JsonNode root = json();
    JsonNode memory = root.path("cache_tiers").get(1);
    assertThat(memory.path("cache").asText()).isEqualTo("content");
    assertThat(memory.path("tier").asText()).isEqualTo("memory");
    assertThat(memory.path("hits").asLong()).isEqualTo(70);
    assertThat(memory.path("misses").asLong()).isEqualTo(30);
    assertThat(memory.path("hit_ratio").asDouble()).isEqualTo(0.7);
    JsonNode lookups = root.path("cache_lookups").get(0);
    assertThat(lookups.path("lookups").asLong()).isEqualTo(100);
    assertThat(lookups.path("served_by").path("none").asLong()).isEqualTo(6);
    assertThat(lookups.path("hit_ratio").asDouble()).isEqualTo(0.94);
  }

  @Test
  void render_json_holdsRuntimeFigures() throws IOException {
    JsonNode runtime = json().path("runtime");
    assertThat(runtime.path("cpu_utilization").asDouble()).isEqualTo(0.8);
    assertThat(runtime.path("heap_utilization").asDouble()).isEqualTo(0.95);
  }

  @Test
  void render_json_holdsRecommendationsCriticalFirst() throws IOException {
    JsonNode recommendations = json().path("recommendations");
    assertThat(recommendations).hasSize(7);
    JsonNode first = recommendations.get(0);
    assertThat(first.path("severity").asText()).isEqualTo("critical");
    assertThat(first.path("subject").asText()).isEqualTo("operation_latency");
    assertThat(first.path("target").asText()).isEqualTo("db.query");
    assertThat(first.path("value").asDouble()).isEqualTo(1.5);
    assertThat(first.path("threshold").asDouble()).isEqualTo(1.0);
    assertThat(recommendations.get(3).path("severity").asText()).isEqualTo("warning");
  }

  @Test
  void render_json_listsTheThresholds() throws IOException {
    JsonNode t = json().path("thresholds");
    assertThat(t.path("slow_operation_mean_warning_seconds").asDouble()).isEqualTo(0.5);
    assertThat(t.path("slow_operation_mean_critical_seconds").asDouble()).isEqualTo(1.0);
    assertThat(t.path("cache_hit_ratio_warning").asDouble()).isEqualTo(0.8);
    assertThat(t.path("cache_hit_ratio_critical").asDouble()).isEqualTo(0.5);
    assertThat(t.path("error_ratio_warning").asDouble()).isEqualTo(0.05);
    assertThat(t.path("cpu_utilization_warning").asDouble()).isEqualTo(0.75);
    assertThat(t.path("cpu_utilization_critical").asDouble()).isEqualTo(0.9);
    assertThat(t.path("heap_utilization_critical").asDouble()).isEqualTo(0.9);
  }

  @Test
  void render_topOne_listsOnlyTheSlowestOperation() throws IOException {
    JsonNode root =
        new ObjectMapper().readTree(fixture().render(ReportFormat.JSON, 1));
    assertThat(root.path("slowest_operations")).hasSize(1);
  }

  @Test
  void fromExposition_malformedText_throwsIllegalArgumentNamingTheLine() {
    assertThatThrownBy(() -> Report.fromExposition("ok 1\nbroken{ 1\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("exposition line 2:");
  }

  @Test
  void fromExposition_null_throwsNamingTheParameter() {
    assertThatThrownBy(() -> Report.fromExposition(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("text");
  }

  @Test
  void fromPrometheus_zeroWindow_isRejected() {
    assertThatThrownBy(() -> Report.fromPrometheus(URI.create("http://127.0.0.1:1"), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("window must be positive, was PT0S");
  }

  @Test
  void fromScrape_unreachableEndpoint_throwsUncheckedIoNamingTheUri() {
    try (ClosedPort port = ClosedPort.open()) {
      URI closed = URI.create(port.httpUrl() + "/metrics");
      assertThatThrownBy(() -> Report.fromScrape(closed))
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageStartingWith("cannot read " + closed + ": ");
    }
  }
}

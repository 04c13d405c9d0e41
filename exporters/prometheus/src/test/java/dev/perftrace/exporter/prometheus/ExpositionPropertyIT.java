package dev.perftrace.exporter.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Property-style: random instrument names, units, types and attribute values go through the
 * exporter; every scrape must be accepted by promtool (text 0.0.4) and by the strict OpenMetrics
 * parser. Bounded and seeded; the seed of a failing case is in the assertion message (re-run it
 * with {@code -Dperftrace.property.seed=N}).
 */
class ExpositionPropertyIT {

  private static final int CASES = Integer.getInteger("perftrace.property.cases", 200);

  private static final String[] NAMES = {
    "seconds", "bytes", "percent", "jobs", "jobs.total", "jobs_total", "x", "x.count", "x.sum",
    "x.bucket", "x_created", "target.info", "target", "a_total_total", "le", "http.server.duration",
    "jvm.class.count", "A", "a-b/c", "Z9", "quantile", "otel.scope.name",
  };
  private static final String[] UNITS = {
    "", "s", "ms", "By", "%", "1", "{request}", "By/s", "m/s", "{packet}/s", "seconds", "2",
    "KiBy", "weird unit", "1/s", "_", "foo_bar",
  };
  private static final String[] KEYS = {
    "a", "a.b", "a_b", "le", "quantile", "2xx", "__x", "otel_scope_name", "otel_scope_version",
    "k-1", "service.name", "trace_id", "A", "_", "x.y.z",
  };
  private static final String[] VALUES = {
    "", "v", "with \"quotes\"", "back\\slash", "new\nline", "tab\there", "ünïcödé", "\uD83D\uDE00",
    "{}", "a=b,c", "# EOF", " ",
  };

  @Test
  void randomInstruments_everyScrapeValid() {
    long base = Long.getLong("perftrace.property.seed", System.nanoTime());
    int cases = Long.getLong("perftrace.property.seed") != null ? 1 : CASES;
    List<Long> seeds = new ArrayList<>();
    List<String> openMetrics = new ArrayList<>();
    for (int i = 0; i < cases; i++) {
      long seed = base + i;
      seeds.add(seed);
      String[] scrapes = scrape(seed);
      ExpositionValidators.Promtool promtool = ExpositionValidators.promtool(scrapes[0]);
      assertThat(promtool.parsed())
          .as("seed %d: promtool on text 0.0.4:\n%s\n%s", seed, promtool.output(), scrapes[0])
          .isTrue();
      assertThat(scrapes[0]).as("seed %d: something was exported", seed).isNotEmpty();
      openMetrics.add(scrapes[1]);
    }
    List<String> results = ExpositionValidators.openMetricsParse(openMetrics);
    assertThat(results).hasSize(cases);
    for (int i = 0; i < cases; i++) {
      assertThat(results.get(i))
          .as("seed %d: OpenMetrics parser on:\n%s", seeds.get(i), openMetrics.get(i))
          .isEqualTo("OK");
    }
  }

  @Test
  void validators_rejectWhatTheOldExporterWrote() {
    String duplicateType =
        "# TYPE jobs_total counter\njobs_total 1\n# TYPE jobs_total gauge\njobs_total 2\n";
    String clashingName =
        "# TYPE jobs counter\njobs_total 2\n# TYPE jobs_total gauge\njobs_total 9\n# EOF\n";

    assertThat(ExpositionValidators.promtool(duplicateType).parsed()).isFalse();
    assertThat(ExpositionValidators.openMetricsParse(List.of(clashingName)).get(0))
        .startsWith("ERR");
  }

  /** Records random instruments with the seed and returns the text 0.0.4 and OpenMetrics scrapes. */
  private static String[] scrape(long seed) {
    Random random = new Random(seed);
    PrometheusExporter exporter =
        PrometheusExporter.builder()
            .setServerEnabled(false)
            .setTargetInfoEnabled(random.nextBoolean())
            .setScopeLabelsEnabled(random.nextBoolean())
            .build();
    try (Fixture f = new Fixture(exporter)) {
      int instruments = 1 + random.nextInt(8);
      for (int i = 0; i < instruments; i++) {
        Meter meter = f.meter(random.nextBoolean() ? "a" : "b");
        String name = name(random);
        String unit = pick(random, UNITS);
        Attributes attributes = attributes(random);
        boolean inSpan = random.nextBoolean();
        Consumer<Runnable> run = inSpan ? f::inSpan : Runnable::run;
        switch (random.nextInt(6)) {
          case 0 -> {
            LongCounter c = meter.counterBuilder(name).setUnit(unit).build();
            run.accept(() -> c.add(random.nextInt(1000), attributes));
          }
          case 1 -> {
            var c = meter.counterBuilder(name).setUnit(unit).ofDoubles().build();
            run.accept(() -> c.add(random.nextDouble() * 10, attributes));
          }
          case 2 -> meter.upDownCounterBuilder(name).setUnit(unit).build()
              .add(random.nextInt(200) - 100, attributes);
          case 3 -> {
            double value = random.nextDouble() * 100 - 50;
            meter.gaugeBuilder(name).setUnit(unit).buildWithCallback(m -> m.record(value, attributes));
          }
          case 4 -> {
            DoubleHistogram h = meter.histogramBuilder(name).setUnit(unit)
                .setExplicitBucketBoundariesAdvice(List.of(0.001, 0.5, 1.0, 100.0)).build();
            int n = 1 + random.nextInt(5);
            for (int k = 0; k < n; k++) {
              double value = random.nextDouble() * 200;
              run.accept(() -> h.record(value, attributes));
            }
          }
          default -> {
            var h = meter.histogramBuilder(name).setUnit(unit).ofLongs().build();
            run.accept(() -> h.record(random.nextInt(10_000), attributes));
          }
        }
      }
      return new String[] {f.text004(), f.openMetrics()};
    }
  }

  private static String name(Random random) {
    if (random.nextInt(3) > 0) {
      return pick(random, NAMES);
    }
    String first = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    String rest = first + "0123456789_.-/";
    StringBuilder name = new StringBuilder().append(first.charAt(random.nextInt(first.length())));
    int length = random.nextInt(20);
    for (int i = 0; i < length; i++) {
      name.append(rest.charAt(random.nextInt(rest.length())));
    }
    return name.toString();
  }

  private static Attributes attributes(Random random) {
    AttributesBuilder builder = Attributes.builder();
    int n = random.nextInt(4);
    for (int i = 0; i < n; i++) {
      String key = pick(random, KEYS);
      switch (random.nextInt(4)) {
        case 0 -> builder.put(AttributeKey.longKey(key), random.nextLong());
        case 1 -> builder.put(AttributeKey.booleanKey(key), random.nextBoolean());
        case 2 -> builder.put(
            AttributeKey.stringArrayKey(key), List.of(pick(random, VALUES), pick(random, VALUES)));
        default -> builder.put(AttributeKey.stringKey(key), pick(random, VALUES));
      }
    }
    return builder.build();
  }

  private static String pick(Random random, String[] options) {
    return options[random.nextInt(options.length)];
  }
}

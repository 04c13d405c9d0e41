package dev.perftrace.collectorconfig;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perftrace.CacheLookup;
import dev.perftrace.Direction;
import dev.perftrace.Operation;
import dev.perftrace.PerfTracer;
import dev.perftrace.TieredCache;
import dev.perftrace.sdk.PerfTraceSdk;
import dev.perftrace.testing.BackendProcess;
import dev.perftrace.testing.Backends;
import dev.perftrace.testing.Poll;
import dev.perftrace.testing.PrometheusServer;
import dev.perftrace.testing.otlp.OtlpGrpcReceiver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real path of the {@code otel-collector} scrape job: a PerfTraceSdk application exports
 * OTLP/gRPC to otelcol-perftrace running the shipped agent.yaml unchanged (its traces go to the
 * test kit's OTLP/gRPC receiver standing in for Jaeger), and a real Prometheus with the shipped
 * {@code otel-collector} job ({@code honor_labels: true}) and rule files scrapes the Collector's
 * Prometheus exporter. Every rule and dashboard expression must then return series with the
 * labels it keeps and {@code job} = the application's {@code service.name}, as the Collector
 * really names and labels them ({@link SeriesCheck}).
 */
@SuppressWarnings("try") // scopes opened only to be current while work is timed
class CollectorRulesIT {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String SERVICE = "rules-app";

  private static OtlpGrpcReceiver jaegerStandIn;
  private static BackendProcess collector;
  private static PerfTraceSdk sdk;
  private static Thread workload;
  private static final AtomicBoolean running = new AtomicBoolean(true);
  private static PrometheusServer prometheus;
  private static Path otlpFile;

  @BeforeAll
  static void start() throws IOException {
    Backends.requireCollector();
    jaegerStandIn = OtlpGrpcReceiver.start();
    collector = RunningStack.startAgent("127.0.0.1:" + jaegerStandIn.port());
    otlpFile = Files.createTempFile("perftrace-collector-rules-", ".jsonl");
    sdk =
        PerfTraceSdk.builder()
            .setServiceName(SERVICE)
            .setPrometheusEnabled(false)
            .setShutdownHook(false)
            .setOtlpFile(otlpFile)
            .setConfigProperties(
                Map.of(
                    "otel.exporter.otlp.endpoint",
                    "http://127.0.0.1:"
                        + RunningStack.port(collector, "PERFTRACE_OTLP_GRPC_ENDPOINT"),
                    "otel.exporter.otlp.protocol", "grpc",
                    "otel.bsp.schedule.delay", "100",
                    "otel.metric.export.interval", "1000"))
            .build();
    PerfTracer tracer = sdk.tracer("com.example.rules");
    TieredCache cache = tracer.cache("content", "memory", "disk");
    workload =
        new Thread(
            () -> {
              long i = 0;
              while (running.get()) {
                i++;
                try (Operation op = tracer.start("rules.get")) {
                  try (CacheLookup lookup = cache.startLookup()) {
                    if (i % 4 == 0) {
                      lookup.miss("memory");
                      lookup.hit("disk");
                    } else {
                      lookup.hit("memory");
                    }
                  }
                  tracer.recordBytes(Direction.IN, "peer-a", 1024);
                  tracer.recordBytes(Direction.OUT, "peer-a", 64);
                  if (i % 10 == 0) {
                    op.fail(new IOException("peer-a refused"));
                  }
                }
                try {
                  Thread.sleep(5); // paces a workload; nothing is waited for
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "collector-rules-workload");
    workload.setDaemon(true);
    workload.start();
    prometheus =
        ShippedPrometheus.startJob(
            "otel-collector",
            "127.0.0.1:" + RunningStack.port(collector, "PERFTRACE_PROMETHEUS_ENDPOINT"));
    Poll.until(
        "prometheus to scrape the collector (log: " + prometheus.log() + ")",
        WAIT,
        () -> prometheus.value("up{job=\"otel-collector\"}"),
        v -> v.isPresent() && v.getAsDouble() == 1.0);
  }

  @AfterAll
  static void stop() throws IOException, InterruptedException {
    running.set(false);
    if (workload != null) {
      workload.join(5_000);
    }
    if (prometheus != null) {
      prometheus.close();
    }
    if (sdk != null) {
      sdk.close();
    }
    if (collector != null) {
      collector.close();
    }
    if (jaegerStandIn != null) {
      jaegerStandIn.close();
    }
    if (otlpFile != null) {
      Files.deleteIfExists(otlpFile);
    }
  }

  static List<String> ruleExpressions() {
    return ConfigFiles.ruleExpressions();
  }

  static List<String> dashboardExpressions() {
    return ConfigFiles.dashboardExpressions().stream()
        .map(expr -> expr.replace("$job", ".+"))
        .collect(Collectors.toList());
  }

  private static SeriesCheck check() {
    return new SeriesCheck(prometheus, SeriesCheck.recordingRules(), SERVICE);
  }

  @ParameterizedTest
  @MethodSource("ruleExpressions")
  void ruleExpression_onTheCollectorsExposition_returnsSeriesOfTheApplicationsJob(String expr) {
    check().check(expr, WAIT);
  }

  @ParameterizedTest
  @MethodSource("dashboardExpressions")
  void dashboardExpression_onTheCollectorsExposition_returnsSeriesOfTheApplicationsJob(
      String expr) {
    check().check(expr, WAIT);
  }

  @Test
  void operationCount_jobIsTheServiceName_andTheCountGrows() {
    String selector =
        "sum by (job) (perftrace_operation_duration_seconds_count{job=\"" + SERVICE + "\","
            + "perftrace_operation_name=\"rules.get\"})";
    double first = prometheus.awaitValue(selector, WAIT);
    OptionalDouble later =
        Poll.until(
            "the operation count to grow", WAIT, () -> prometheus.value(selector),
            v -> v.isPresent() && v.getAsDouble() > first);

    assertThat(later.getAsDouble()).isGreaterThan(first);
    assertThat(jaegerStandIn.spans()).isNotEmpty();
    assertThat(jaegerStandIn.spans().get(0).resourceAttributes())
        .containsEntry("service.name", SERVICE);
  }
}

package dev.perftrace.collectorconfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perftrace.testing.ExternalBinaries;
import dev.perftrace.testing.Poll;
import dev.perftrace.testing.PrometheusServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * A real Prometheus started with the shipped {@code prometheus/prometheus.yml} and the command
 * line of {@code compose.yaml}, changed only where a test must: every scrape target points at the
 * workload, rule files are absolute, intervals are 1 s, paths and port are temporary (test
 * helper; {@code PrometheusServer} of the test kit writes its own configuration).
 */
final class ShippedPrometheus implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final Path directory;
  private final int port;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private ShippedPrometheus(Process process, Path directory, int port) {
    this.process = process;
    this.directory = directory;
    this.port = port;
  }

  static ShippedPrometheus start(String target) {
    Path binary = ExternalBinaries.require("prometheus", "prometheus");
    try {
      Path dir = Files.createTempDirectory("perftrace-shipped-prometheus-");
      Path config = dir.resolve("prometheus.yml");
      Files.writeString(config, testConfig(target));
      int port = PrometheusServer.freePort();
      List<String> command = new ArrayList<>();
      command.add(binary.toString());
      for (String arg : ComposeFileTest.strings(
          ComposeFileTest.service("prometheus").get("command"), "prometheus command")) {
        if (arg.startsWith("--config.file=")) {
          command.add("--config.file=" + config);
        } else if (arg.startsWith("--storage.tsdb.path=")) {
          command.add("--storage.tsdb.path=" + dir.resolve("data"));
        } else {
          command.add(arg);
        }
      }
      command.add("--web.listen-address=127.0.0.1:" + port);
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("prometheus.log").toFile())
              .start();
      ShippedPrometheus server = new ShippedPrometheus(process, dir, port);
      try {
        Poll.until(
            "shipped prometheus to become ready on port " + port,
            Duration.ofSeconds(30),
            () -> {
              if (!process.isAlive()) {
                throw new AssertionError("prometheus exited:\n" + server.log());
              }
              return server.http
                      .send(
                          HttpRequest.newBuilder(URI.create(server.base() + "/-/ready"))
                              .timeout(Duration.ofSeconds(2))
                              .build(),
                          HttpResponse.BodyHandlers.discarding())
                      .statusCode()
                  == 200;
            });
      } catch (RuntimeException | AssertionError e) {
        server.close();
        throw e;
      }
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The shipped configuration with targets, rule file paths and intervals changed. */
  static String testConfig(String target) {
    Map<String, Object> config = ConfigFiles.yaml(ConfigFiles.prometheusConfig());
    Map<String, Object> global = ConfigFiles.asMap(config.get("global"), "global");
    global.put("scrape_interval", "1s");
    global.put("scrape_timeout", "1s");
    global.put("evaluation_interval", "1s");
    Path dir = ConfigFiles.prometheusConfig().getParent();
    List<Object> ruleFiles = new ArrayList<>();
    ConfigFiles.asList(config.get("rule_files"), "rule_files")
        .forEach(f -> ruleFiles.add(dir.resolve(String.valueOf(f)).toString()));
    config.put("rule_files", ruleFiles);
    for (Object job : ConfigFiles.asList(config.get("scrape_configs"), "scrape_configs")) {
      for (Object sc : ConfigFiles.asList(ConfigFiles.asMap(job, "job").get("static_configs"), "sc")) {
        ConfigFiles.asMap(sc, "static_config").put("targets", List.of(target));
      }
    }
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    return new Yaml(options).dump(config);
  }

  URI base() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** GETs an API path and returns {@code data}; throws unless the status is success. */
  JsonNode get(String pathAndQuery) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(base() + pathAndQuery))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode body = JSON.readTree(response.body());
      if (!"success".equals(body.path("status").asText())) {
        throw new IllegalStateException(pathAndQuery + " answered " + response.body());
      }
      return body.path("data");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  JsonNode exemplars(String promql) {
    Instant now = Instant.now();
    return get(
        "/api/v1/query_exemplars?query="
            + URLEncoder.encode(promql, StandardCharsets.UTF_8)
            + "&start="
            + now.minusSeconds(3600).getEpochSecond()
            + "&end="
            + now.plusSeconds(60).getEpochSecond());
  }

  String log() {
    try {
      return Files.readString(directory.resolve("prometheus.log"));
    } catch (IOException e) {
      return "<log unreadable: " + e + ">";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a temporary directory left behind is harmless
    }
  }
}

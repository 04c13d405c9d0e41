package dev.perftrace.testing;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
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
import java.util.OptionalDouble;
import java.util.stream.Stream;

/**
 * A real Prometheus server (the Debian {@code prometheus} binary) started by a test on a free
 * loopback port, with exemplar storage enabled, scraping the given targets; and a small client
 * for its HTTP API.
 *
 * <p>Thread safety: the query methods are safe for concurrent use; {@link #close()} once.
 */
public final class PrometheusServer implements AutoCloseable {

  /** The scrape job name written into the generated configuration. */
  public static final String JOB = "perftrace";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final Path directory;
  private final Path log;
  private final int port;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private PrometheusServer(Process process, Path directory, Path log, int port) {
    this.process = process;
    this.directory = directory;
    this.log = log;
    this.port = port;
  }

  /** Returns a builder; {@link Builder#start()} fails or skips when prometheus is missing. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the base URI of the server's HTTP API, for example {@code http://127.0.0.1:40123}. */
  public URI uri() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** Returns the port the server listens on. */
  public int port() {
    return port;
  }

  /** Waits until every target of the job has been scraped successfully at least once. */
  public void awaitTargetsUp(Duration timeout) {
    Poll.until(
        "prometheus to scrape its targets (log: " + log + ")",
        timeout,
        () -> {
          JsonNode result = query("up{job=\"" + JOB + "\"}");
          if (result.isEmpty()) {
            return false;
          }
          for (JsonNode series : result) {
            if (!"1".equals(series.path("value").path(1).asText())) {
              return false;
            }
          }
          return true;
        });
  }

  /** Runs an instant query and returns {@code data.result}; throws on an API error. */
  public JsonNode query(String promql) {
    JsonNode body = get("/api/v1/query?query=" + encode(promql));
    return body.path("data").path("result");
  }

  /**
   * Returns the value of a query whose result is one sample (vector of one series, or a scalar);
   * empty when the vector is empty.
   */
  public OptionalDouble value(String promql) {
    JsonNode body = get("/api/v1/query?query=" + encode(promql));
    JsonNode data = body.path("data");
    JsonNode result = data.path("result");
    if ("scalar".equals(data.path("resultType").asText())) {
      return OptionalDouble.of(Double.parseDouble(result.path(1).asText()));
    }
    if (result.isEmpty()) {
      return OptionalDouble.empty();
    }
    if (result.size() > 1) {
      throw new IllegalStateException("query returned " + result.size() + " series: " + promql);
    }
    return OptionalDouble.of(Double.parseDouble(result.get(0).path("value").path(1).asText()));
  }

  /** Polls until {@code promql} returns one sample, and returns its value. */
  public double awaitValue(String promql, Duration timeout) {
    return Poll.until("a value for " + promql, timeout, () -> value(promql), v -> v.isPresent())
        .getAsDouble();
  }

  /** Returns {@code data} of {@code /api/v1/query_exemplars} over the last hour. */
  public JsonNode queryExemplars(String promql) {
    Instant now = Instant.now();
    return get(
            "/api/v1/query_exemplars?query="
                + encode(promql)
                + "&start="
                + now.minus(Duration.ofHours(1)).getEpochSecond()
                + "&end="
                + now.plusSeconds(60).getEpochSecond())
        .path("data");
  }

  /** Returns every metric name Prometheus has stored. */
  public List<String> metricNames() {
    List<String> names = new ArrayList<>();
    get("/api/v1/label/__name__/values").path("data").forEach(n -> names.add(n.asText()));
    return names;
  }

  /** Returns {@code data} of {@code /api/v1/rules} (recording and alerting rule state). */
  public JsonNode rules() {
    return get("/api/v1/rules").path("data");
  }

  /** Performs a GET on the API and returns the parsed body; throws when status is not success. */
  public JsonNode get(String pathAndQuery) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(uri() + pathAndQuery))
                  .timeout(Duration.ofSeconds(10))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode body = JSON.readTree(response.body());
      if (!"success".equals(body.path("status").asText())) {
        throw new IllegalStateException(
            "Prometheus API " + pathAndQuery + " answered " + response.statusCode() + ": "
                + response.body());
      }
      return body;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Returns the server's log so far (for assertion messages). */
  public String log() {
    return ChildProcesses.readLog(log);
  }

  /** Stops the server and deletes its data directory. */
  @Override
  public void close() {
    ChildProcesses.stop(process);
    deleteRecursively(directory);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /**
   * Returns a loopback TCP port that was free a moment ago. Only for external binaries that cannot
   * bind port 0 and report it (prometheus, otelcol, jaeger): another process may take the port
   * before the binary binds it, so starters retry on {@code address already in use} ({@link
   * BackendProcess#start(String, Path, Path, java.util.function.Supplier)}, {@link
   * Builder#start()}). Java servers in tests bind port 0 themselves and read the port back.
   */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress("127.0.0.1", 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a temp directory left behind is harmless
    }
  }

  /**
   * Configures and starts a {@link PrometheusServer}.
   *
   * <p>Thread safety: not thread-safe; use from one thread.
   */
  public static final class Builder {
    private final List<String> targets = new ArrayList<>();
    private final List<Path> ruleFiles = new ArrayList<>();
    private Duration scrapeInterval = Duration.ofSeconds(1);
    private Duration evaluationInterval = Duration.ofSeconds(1);
    private String metricsPath = "/metrics";
    private String configYaml;
    private List<String> flags = List.of("--enable-feature=exemplar-storage", "--web.enable-lifecycle");
    private boolean nativeHistograms;

    private Builder() {}

    /**
     * Uses this configuration instead of generating one from the targets, intervals and rule
     * files (rule file paths in it must be absolute).
     */
    public Builder configYaml(String configYaml) {
      this.configYaml = requireNonNull(configYaml, "configYaml");
      return this;
    }

    /**
     * Replaces the extra command-line flags (default: exemplar storage and the lifecycle API).
     * Flags setting the config file, storage path or listen address are replaced by the
     * harness's own.
     */
    public Builder flags(List<String> flags) {
      this.flags = List.copyOf(requireNonNull(flags, "flags"));
      return this;
    }

    /**
     * Starts Prometheus with {@code --enable-feature=native-histograms} (default off): it then
     * asks targets for the protobuf exposition first and stores native histograms (Prometheus
     * 2.42 stores exemplars too, since {@code exemplar-storage} stays among the default flags).
     */
    public Builder nativeHistograms(boolean enabled) {
      this.nativeHistograms = enabled;
      return this;
    }

    /** Adds a scrape target, {@code host:port}. */
    public Builder addTarget(String hostPort) {
      targets.add(requireNonNull(hostPort, "hostPort"));
      return this;
    }

    /** Sets the path scraped on every target (default {@code /metrics}). */
    public Builder metricsPath(String metricsPath) {
      this.metricsPath = requireNonNull(metricsPath, "metricsPath");
      return this;
    }

    /** Sets the scrape interval (default 1 s). */
    public Builder scrapeInterval(Duration scrapeInterval) {
      this.scrapeInterval = requireNonNull(scrapeInterval, "scrapeInterval");
      return this;
    }

    /** Sets the rule evaluation interval (default 1 s). */
    public Builder evaluationInterval(Duration evaluationInterval) {
      this.evaluationInterval = requireNonNull(evaluationInterval, "evaluationInterval");
      return this;
    }

    /** Adds a rule file (recording or alerting rules) to load. */
    public Builder addRuleFile(Path ruleFile) {
      ruleFiles.add(requireNonNull(ruleFile, "ruleFile").toAbsolutePath());
      return this;
    }

    /**
     * Writes the configuration, starts prometheus and waits until it is ready. Fails under
     * {@code CI=true}, or skips, when the binary is missing.
     */
    public PrometheusServer start() {
      Path binary = ExternalBinaries.require("prometheus", "prometheus");
      try {
        Path dir = Files.createTempDirectory("perftrace-prometheus-");
        StringBuilder config = new StringBuilder();
        config
            .append("global:\n")
            .append("  scrape_interval: ").append(scrapeInterval.toMillis()).append("ms\n")
            .append("  scrape_timeout: ").append(scrapeInterval.toMillis()).append("ms\n")
            .append("  evaluation_interval: ").append(evaluationInterval.toMillis())
            .append("ms\n");
        if (!ruleFiles.isEmpty()) {
          config.append("rule_files:\n");
          for (Path rule : ruleFiles) {
            config.append("  - '").append(rule).append("'\n");
          }
        }
        config
            .append("scrape_configs:\n")
            .append("  - job_name: ").append(JOB).append('\n')
            .append("    metrics_path: '").append(metricsPath).append("'\n")
            .append("    static_configs:\n")
            .append("      - targets: [");
        for (int i = 0; i < targets.size(); i++) {
          config.append(i == 0 ? "" : ", ").append('\'').append(targets.get(i)).append('\'');
        }
        config.append("]\n");
        Path configFile = dir.resolve("prometheus.yml");
        Files.writeString(configFile, configYaml != null ? configYaml : config);
        return startRetryingBind(binary, dir, configFile, 1);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /**
     * Starts prometheus on a port found free. Prometheus cannot be told to bind port 0 and report
     * it, so another process may take the port first: when prometheus exits saying the address
     * is in use, start again on a fresh port (up to {@value BackendProcess#BIND_ATTEMPTS} times).
     */
    private PrometheusServer startRetryingBind(
        Path binary, Path dir, Path configFile, int attempt) throws IOException {
      Path log = dir.resolve("prometheus-" + attempt + ".log");
      int port = freePort();
      List<String> command = new ArrayList<>();
      command.add(binary.toString());
      command.add("--config.file=" + configFile);
      command.add("--storage.tsdb.path=" + dir.resolve("data"));
      command.add("--web.listen-address=127.0.0.1:" + port);
      for (String flag : flags) {
        if (!flag.startsWith("--config.file=")
            && !flag.startsWith("--storage.tsdb.path=")
            && !flag.startsWith("--web.listen-address=")) {
          command.add(flag);
        }
      }
      if (nativeHistograms) {
        command.add("--enable-feature=native-histograms");
      }
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      PrometheusServer server = new PrometheusServer(process, dir, log, port);
      try {
        Poll.until(
            "prometheus to become ready on port " + port + " (log: " + log + ")",
            Duration.ofSeconds(30),
            () -> {
              if (!process.isAlive()) {
                throw new AssertionError("prometheus exited:\n" + server.log());
              }
              HttpResponse<Void> r =
                  server.http.send(
                      HttpRequest.newBuilder(URI.create(server.uri() + "/-/ready"))
                          .timeout(Duration.ofSeconds(2))
                          .build(),
                      HttpResponse.BodyHandlers.discarding());
              return r.statusCode() == 200;
            });
      } catch (AssertionError e) {
        if (attempt < BackendProcess.BIND_ATTEMPTS && BackendProcess.isAddressInUse(e)) {
          ChildProcesses.stop(process);
          return startRetryingBind(binary, dir, configFile, attempt + 1);
        }
        server.close();
        throw e;
      } catch (RuntimeException e) {
        server.close();
        throw e;
      }
      return server;
    }
  }
}

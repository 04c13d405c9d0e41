package dev.perftrace.demo;

import dev.perftrace.PerfTracer;
import dev.perftrace.demo.internal.Catalogue;
import dev.perftrace.demo.internal.DemoOptions;
import dev.perftrace.demo.internal.Progress;
import dev.perftrace.demo.internal.Workload;
import dev.perftrace.examples.store.ContentStore;
import dev.perftrace.examples.store.PeerServer;
import dev.perftrace.exporter.otlp.ExporterHealth;
import dev.perftrace.exporter.otlp.Signal;
import dev.perftrace.report.Report;
import dev.perftrace.report.ReportFormat;
import dev.perftrace.sdk.PerfTraceSdk;
import dev.perftrace.sdk.PerfTraceSdkBuilder;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * The PerfTrace demo application: a mixed workload against a tiered content store (in-memory LRU,
 * local disk, two remote peers over loopback HTTP) instrumented with PerfTrace; Prometheus metrics
 * on {@code 127.0.0.1:9464}; OTLP export when {@code OTEL_EXPORTER_OTLP_ENDPOINT} is set,
 * otherwise an OTLP-JSON lines file; a report at the end.
 *
 * <p>Thread safety: {@link #start}, {@link #prometheusPort()}, {@link #awaitCompletion()} and
 * {@link #close()} may be called from any thread; {@link #close()} is idempotent.
 *
 * <pre>{@code
 * mvn -B -q -pl examples/demo -am compile exec:java
 * mvn -B -q -pl examples/demo -am compile exec:java -Dexec.args="--duration=1m --report=markdown"
 * }</pre>
 */
public final class DemoApp implements AutoCloseable {

  /** Exit code for a usage error or a Prometheus port already in use. */
  public static final int EXIT_USAGE = 2;
  /** Exit code for any other failure. */
  public static final int EXIT_FAILURE = 1;
  /** Instrumentation scope of the demo's own operations ({@code demo.request}). */
  public static final String INSTRUMENTATION_SCOPE = "dev.perftrace.demo";

  private static final int CATALOGUE_KEYS = 1500;
  private static final long MEMORY_CAPACITY_BYTES = 3L * 1024 * 1024;
  private static final long SEED = 20_260_101L;
  private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(10);

  private final DemoOptions options;
  private final PrintStream out;
  private final List<PeerServer> peers = new ArrayList<>();
  private PerfTraceSdk sdk;
  private Path diskDirectory;
  private ContentStore store;
  private Workload workload;
  private Progress progress;
  private boolean closed;

  private DemoApp(DemoOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  /** Runs the demo: parses {@code args}, runs the workload, prints the report, exits. */
  public static void main(String[] args) {
    int code = run(System.out, System.err, args);
    if (code != 0) {
      System.exit(code);
    }
  }

  /**
   * Starts the demo in the background and returns at once: the Prometheus endpoint is serving and
   * the client threads are running. Progress goes to standard output unless {@code --no-progress}.
   *
   * @throws IllegalArgumentException when {@code args} are not valid options
   * @throws IllegalStateException when the Prometheus port is already in use
   */
  public static DemoApp start(String... args) {
    return start(parse(args), System.out);
  }

  /** Returns the port the Prometheus endpoint is bound to. */
  public int prometheusPort() {
    return sdk.prometheusPort();
  }

  /**
   * Returns the Prometheus scrape URI of this demo.
   *
   * @throws IllegalStateException when the SDK's Prometheus endpoint is off
   */
  public URI metricsUri() {
    if (prometheusPort() < 0) {
      throw new IllegalStateException("the Prometheus endpoint is off");
    }
    String host = prometheusHost(options);
    if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
      host = "127.0.0.1";
    } else if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + prometheusPort() + "/metrics");
  }

  /**
   * Waits until the workload has run for its duration, ends the progress line and flushes the
   * export (OTLP endpoint or file).
   */
  public void awaitCompletion() {
    try {
      Duration grace = options.duration().plusSeconds(60);
      if (!workload.await(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        workload.stop();
        workload.await(30, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      workload.stop();
    } finally {
      if (progress != null) {
        progress.finish();
        progress = null;
      }
      sdk.forceFlush(FLUSH_TIMEOUT);
    }
  }

  /** Scrapes this demo's own Prometheus endpoint and renders the report. */
  public String report(ReportFormat format) {
    return Report.fromScrape(metricsUri()).render(format);
  }

  /**
   * Stops the clients, the peers and the SDK (flushing the OTLP export), and deletes the disk
   * tier's temporary directory.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (workload != null) {
      workload.stop();
      try {
        workload.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (progress != null) {
      progress.finish();
      progress = null;
    }
    if (store != null) {
      store.close();
    }
    peers.forEach(PeerServer::close);
    if (sdk != null) {
      sdk.close();
    }
    deleteRecursively(diskDirectory);
  }

  // ---- the command -------------------------------------------------------------------------

  static int run(PrintStream out, PrintStream err, String... args) {
    CommandLine commandLine = new CommandLine(new DemoOptions());
    DemoOptions options;
    try {
      commandLine.parseArgs(args);
      if (commandLine.isUsageHelpRequested()) {
        commandLine.usage(out);
        return 0;
      }
      if (commandLine.isVersionHelpRequested()) {
        commandLine.printVersionHelp(out);
        return 0;
      }
      options = commandLine.getCommand();
      options.validate();
    } catch (CommandLine.ParameterException | IllegalArgumentException e) {
      err.println("perftrace-demo: " + e.getMessage());
      err.println("Try --help for the options.");
      return EXIT_USAGE;
    }

    DemoApp app;
    try {
      app = start(options, out);
    } catch (PortInUseException e) {
      err.println("perftrace-demo: " + e.getMessage());
      return EXIT_USAGE;
    } catch (RuntimeException e) {
      err.println("perftrace-demo: failed to start: " + e);
      return EXIT_FAILURE;
    }
    try {
      out.printf(
          Locale.ROOT,
          "PerfTrace demo: %d client threads for %ds against memory -> disk -> peers %s%n",
          options.threads(),
          options.duration().toSeconds(),
          app.peerNames());
      boolean scrapable = app.prometheusPort() > 0;
      out.println(
          scrapable
              ? "Prometheus metrics: " + app.metricsUri()
              : "Prometheus endpoint is off (see the perftrace-sdk settings): no report at the end");
      out.println(app.exportDescription());
      app.awaitCompletion();
      if (scrapable && options.report() != DemoOptions.ReportChoice.NONE) {
        out.println();
        out.println(app.report(ReportFormat.valueOf(options.report().name())));
      }
      app.close(); // flushes the export, so the summary below is final
      out.println(exportDone(options) + " (" + app.exportSummary() + ")");
      return 0;
    } catch (RuntimeException e) {
      err.println("perftrace-demo: failed: " + e);
      return EXIT_FAILURE;
    } finally {
      app.close();
    }
  }

  /** Describes each exporter's health: state, items exported and dropped, the last error. */
  String exportSummary() {
    Map<Signal, ExporterHealth> health = sdk.health();
    if (health.isEmpty()) {
      return "exporters off";
    }
    StringBuilder summary = new StringBuilder();
    health.forEach(
        (signal, h) -> {
          if (summary.length() > 0) {
            summary.append("; ");
          }
          summary
              .append(signal.attributeValue())
              .append(' ')
              .append(h.state().name().toLowerCase(Locale.ROOT))
              .append(", ")
              .append(h.exported())
              .append(" exported, ")
              .append(h.droppedTotal())
              .append(" dropped");
          h.lastError().ifPresent(error -> summary.append(", last error: ").append(error));
        });
    return summary.toString();
  }

  private static DemoOptions parse(String... args) {
    CommandLine commandLine = new CommandLine(new DemoOptions());
    try {
      commandLine.parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    if (commandLine.isUsageHelpRequested() || commandLine.isVersionHelpRequested()) {
      throw new IllegalArgumentException("--help and --version are for the command line (main)");
    }
    DemoOptions options = commandLine.getCommand();
    options.validate();
    return options;
  }

  private static DemoApp start(DemoOptions options, PrintStream out) {
    DemoApp app = new DemoApp(options, out);
    try {
      app.startAll();
      return app;
    } catch (RuntimeException e) {
      app.close();
      throw e;
    }
  }

  // ---- start-up ----------------------------------------------------------------------------

  private void startAll() {
    sdk = buildSdk(options);
    PerfTracer tracer = sdk.tracer(INSTRUMENTATION_SCOPE);
    try {
      diskDirectory = Files.createTempDirectory("perftrace-demo-disk-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the disk tier's temporary directory", e);
    }

    // Two peers: a near one (2-10 ms) and a far one (20-40 ms, and 1 % of requests stall 0.6-0.9 s).
    peers.add(
        PeerServer.builder(sdk.openTelemetry())
            .setName("peer-eu")
            .setServeDelay(key -> jitter(2, 10))
            .start());
    peers.add(
        PeerServer.builder(sdk.openTelemetry())
            .setName("peer-us")
            .setServeDelay(
                key ->
                    ThreadLocalRandom.current().nextInt(100) == 0 ? jitter(600, 900) : jitter(20, 40))
            .start());

    ContentStore.Builder builder =
        ContentStore.builder(sdk.openTelemetry(), diskDirectory)
            .setName("demo-store")
            .setMemoryCapacityBytes(MEMORY_CAPACITY_BYTES);
    peers.forEach(peer -> builder.addPeer(peer.remotePeer()));
    store = builder.build();

    Catalogue catalogue = new Catalogue(CATALOGUE_KEYS, 1.1, SEED);
    for (int i = 0; i < catalogue.size(); i++) {
      String key = Catalogue.key(i);
      String owner = store.peerFor(key).name();
      byte[] content = catalogue.content(i);
      peers.stream().filter(p -> p.name().equals(owner)).forEach(p -> p.seed(key, content));
    }

    workload =
        new Workload(store, tracer, catalogue, options.threads(), options.duration(), SEED);
    workload.start();
    if (options.progress()) {
      progress = new Progress(workload, out);
      progress.start();
    }
  }

  private static PerfTraceSdk buildSdk(DemoOptions options) {
    String host = prometheusHost(options);
    int port = prometheusPortSetting(options);
    if (port > 0) {
      checkPortFree(host, port);
    }
    PerfTraceSdkBuilder builder =
        PerfTraceSdk.builder()
            .setServiceName("perftrace-demo")
            .setPrometheusHost(host)
            .setPrometheusPort(port);
    if (options.otlpFile() != null) {
      builder.setOtlpFile(options.otlpFile());
    }
    try {
      return builder.build();
    } catch (RuntimeException e) {
      if (hasCause(e, BindException.class)) {
        throw new PortInUseException(host, port, e);
      }
      throw e;
    }
  }

  private static void checkPortFree(String host, int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(host, port));
    } catch (BindException e) {
      throw new PortInUseException(host, port, e);
    } catch (IOException e) {
      // Not a clear "in use" signal; let the SDK report its own error.
    }
  }

  private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  private static Duration jitter(int minMillis, int maxMillis) {
    return Duration.ofMillis(ThreadLocalRandom.current().nextInt(minMillis, maxMillis + 1));
  }

  private List<String> peerNames() {
    return peers.stream().map(PeerServer::name).toList();
  }

  private String exportDescription() {
    String endpoint = otlpEndpoint();
    if (endpoint != null) {
      return "Exporting traces and metrics over OTLP to " + endpoint;
    }
    return "No OTLP endpoint configured (OTEL_EXPORTER_OTLP_ENDPOINT): writing OTLP JSON to "
        + otlpFile(options).toAbsolutePath();
  }

  private static String exportDone(DemoOptions options) {
    String endpoint = otlpEndpoint();
    if (endpoint != null) {
      return "OTLP export to " + endpoint + " finished";
    }
    return "OTLP JSON (traces and metrics, one OTLP request per line) written to "
        + otlpFile(options).toAbsolutePath();
  }

  /** The Prometheus host the SDK binds: {@code otel.exporter.prometheus.host} wins. */
  private static String prometheusHost(DemoOptions options) {
    String configured = setting("otel.exporter.prometheus.host");
    return configured != null ? configured : options.prometheusHost();
  }

  /** The Prometheus port the SDK binds: {@code otel.exporter.prometheus.port} wins. */
  private static int prometheusPortSetting(DemoOptions options) {
    String configured = setting("otel.exporter.prometheus.port");
    if (configured != null) {
      try {
        return Integer.parseInt(configured.trim());
      } catch (NumberFormatException e) {
        return -1; // the SDK rejects it with a message naming the setting
      }
    }
    return options.prometheusPort();
  }

  /** The OTLP endpoint the SDK exports to, as configured through the standard settings. */
  private static String otlpEndpoint() {
    return setting(
        "otel.exporter.otlp.traces.endpoint",
        "otel.exporter.otlp.metrics.endpoint",
        "otel.exporter.otlp.endpoint");
  }

  /** The file the SDK writes when there is no endpoint ({@code perftrace.otlp.file} wins). */
  private static Path otlpFile(DemoOptions options) {
    String configured = setting("perftrace.otlp.file");
    if (configured != null) {
      return Path.of(configured);
    }
    return options.otlpFile() != null
        ? options.otlpFile()
        : PerfTraceSdkBuilder.DEFAULT_OTLP_FILE;
  }

  /** The first of {@code properties} set as a system property or as its OTEL-style variable. */
  private static String setting(String... properties) {
    for (String property : properties) {
      String value = System.getProperty(property);
      if (value == null || value.isBlank()) {
        value = System.getenv(property.toUpperCase(Locale.ROOT).replace('.', '_'));
      }
      if (value != null && !value.isBlank()) {
        return value;
      }
    }
    return null;
  }

  private static void deleteRecursively(Path directory) {
    if (directory == null) {
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      paths.sorted(Comparator.reverseOrder()).forEach(DemoApp::deleteQuietly);
    } catch (IOException e) {
      // A leftover temporary directory is harmless.
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      // A leftover temporary file is harmless.
    }
  }

  /** The Prometheus port is taken: reported as a clear message and exit code 2. */
  private static final class PortInUseException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    PortInUseException(String host, int port, Throwable cause) {
      super(
          host
              + ":"
              + port
              + " is already in use, so the Prometheus endpoint cannot start. Stop whatever"
              + " listens there, or choose another port: -Dexec.args=\"--prometheus-port=9465\""
              + " (0 picks a free port).",
          cause);
    }
  }
}

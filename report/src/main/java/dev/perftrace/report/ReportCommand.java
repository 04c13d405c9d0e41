package dev.perftrace.report;

import dev.perftrace.report.internal.CorrelatedOperations;
import dev.perftrace.report.internal.CorrelationPatterns;
import dev.perftrace.report.internal.JaegerTraces;
import dev.perftrace.report.internal.PrometheusSource;
import dev.perftrace.report.internal.Renderer;
import dev.perftrace.report.internal.ReportData;
import dev.perftrace.report.internal.ReportSource;
import dev.perftrace.report.internal.ScrapeSource;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code perftrace-report} command: prints a {@link Report} of a scrape endpoint or a
 * Prometheus server as text, Markdown or JSON, once or, with {@code --watch}, refreshed until
 * interrupted. Thread safety: run it once, from {@link #main}; not for concurrent use.
 *
 * <p>With {@code --jaeger}: a correlated request's operations ({@code --correlation-id}) or a
 * service's correlation patterns ({@code --service S --patterns}), read from Jaeger's query API.
 *
 * <p>Exit codes: 0 success; 1 source unreachable, its answer unparsable, or no trace with the
 * correlation ID; 2 usage error.
 */
@Command(
    name = "perftrace-report",
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Reports PerfTrace metrics read from a scrape endpoint or a Prometheus server:",
      "per operation count, rate, mean, p50/p95/p99 and error ratio; bytes by direction and",
      "source; cache hit ratio per cache and tier; the slowest operations; recommendations."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:source unreachable, its answer unparsable, or no trace with the correlation ID",
      "2:usage error"
    })
public final class ReportCommand implements Callable<Integer> {

  /** Exit code when the source cannot be read or parsed. */
  static final int EXIT_SOURCE = 1;

  /** Exit code for a usage error. */
  static final int EXIT_USAGE = 2;

  /** Clears a terminal and moves the cursor home, before each watch frame. */
  static final String CLEAR_SCREEN = "\u001b[H\u001b[2J";

  /** Time for watch mode: a monotonic ticker and a sleep, both replaceable in tests. */
  interface Ticker {
    long nanoTime();

    void sleep(Duration duration) throws InterruptedException;

    static Ticker system() {
      return new Ticker() {
        @Override
        public long nanoTime() {
          return System.nanoTime();
        }

        @Override
        public void sleep(Duration duration) throws InterruptedException {
          Thread.sleep(duration.toMillis());
        }
      };
    }
  }

  /** Exactly one source. */
  static final class Source {
    @Option(
        names = "--scrape",
        paramLabel = "URL",
        required = true,
        description = "Scrape endpoint, e.g. http://localhost:9464/metrics")
    URI scrape;

    @Option(
        names = "--prometheus",
        paramLabel = "URL",
        required = true,
        description = "Prometheus server base URL, e.g. http://localhost:9090")
    URI prometheus;

    @Option(
        names = "--jaeger",
        paramLabel = "URL",
        required = true,
        description =
            "Jaeger query base URL, e.g. http://localhost:16686; with --correlation-id or"
                + " --service S --patterns")
    URI jaeger;
  }

  @Option(
      names = "--correlation-id",
      paramLabel = "ID",
      description = "With --jaeger: the operations of this request as a tree")
  String correlationId;

  @Option(
      names = "--service",
      paramLabel = "NAME",
      description = "With --jaeger: the service to search (--patterns needs it)")
  String service;

  @Option(
      names = "--patterns",
      description =
          "With --jaeger --service: most frequent operation co-occurrences and slowest paths"
              + " over recent traces")
  boolean patterns;

  @Option(
      names = "--traces",
      paramLabel = "N",
      defaultValue = "100",
      description = "With --jaeger: how many recent traces to read (default: ${DEFAULT-VALUE})")
  int traces;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "text",
      description = "text, markdown or json (default: ${DEFAULT-VALUE})")
  ReportFormat format;

  @Option(
      names = "--window",
      paramLabel = "DURATION",
      defaultValue = "5m",
      converter = DurationConverter.class,
      description = "Rate window for --prometheus, e.g. 30s, 5m, 1h (default: ${DEFAULT-VALUE})")
  Duration window;

  @Option(
      names = "--watch",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Refresh every DURATION (e.g. 2s) until interrupted")
  Duration watch;

  @Option(
      names = "--top",
      paramLabel = "N",
      defaultValue = "5",
      description = "How many slowest operations to list (default: ${DEFAULT-VALUE})")
  int top;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help and exit")
  boolean help;

  @Spec CommandSpec spec;

  private final PrintWriter out;
  private final PrintWriter err;
  private final Ticker ticker;
  private final long maxFrames;

  private ReportCommand(PrintWriter out, PrintWriter err, Ticker ticker, long maxFrames) {
    this.out = out;
    this.err = err;
    this.ticker = ticker;
    this.maxFrames = maxFrames;
  }

  /** Runs the command and exits the JVM with its exit code. */
  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    System.exit(execute(args, out, err, Ticker.system(), Long.MAX_VALUE));
  }

  /** Runs the command; {@code maxFrames} bounds watch mode (tests). */
  static int execute(
      String[] args, PrintWriter out, PrintWriter err, Ticker ticker, long maxFrames) {
    CommandLine cli = new CommandLine(new ReportCommand(out, err, ticker, maxFrames));
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setOut(out);
    cli.setErr(err);
    int code = cli.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  @Override
  public Integer call() {
    if (top < 1) {
      throw new ParameterException(spec.commandLine(), "--top must be at least 1, was " + top);
    }
    if (window.isZero() || window.isNegative()) {
      throw new ParameterException(spec.commandLine(), "--window must be positive");
    }
    if (watch != null && (watch.isZero() || watch.isNegative())) {
      throw new ParameterException(spec.commandLine(), "--watch must be positive");
    }
    if (source.jaeger != null) {
      return jaeger();
    }
    if (correlationId != null || patterns || service != null) {
      throw new ParameterException(
          spec.commandLine(), "--correlation-id, --service and --patterns need --jaeger");
    }
    ReportSource reportSource =
        source.scrape != null
            ? new ScrapeSource(source.scrape)
            : new PrometheusSource(source.prometheus, window, Clock.systemUTC());
    if (watch == null) {
      try {
        out.print(render(reportSource.next(ticker.nanoTime()), false));
        out.flush();
        return 0;
      } catch (UncheckedIOException e) {
        err.println("perftrace-report: " + describe(e));
        return EXIT_SOURCE;
      }
    }
    return watch(reportSource);
  }

  /**
   * Redraws the report every {@code --watch} until interrupted (or {@code maxFrames}). A first
   * read that fails ends the command with exit code 1; a later one is reported and retried.
   */
  private int watch(ReportSource reportSource) {
    for (long frame = 1; ; frame++) {
      try {
        ReportData data = reportSource.next(ticker.nanoTime());
        out.print(render(data, true));
        out.flush();
      } catch (UncheckedIOException e) {
        err.println("perftrace-report: " + describe(e));
        err.flush();
        if (frame == 1) {
          return EXIT_SOURCE;
        }
      }
      if (frame >= maxFrames) {
        return 0;
      }
      try {
        ticker.sleep(watch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return 0;
      }
    }
  }

  /** {@code --jaeger}: a correlated request's operation tree, or the service's patterns. */
  private int jaeger() {
    if ((correlationId == null) == !patterns) {
      throw new ParameterException(
          spec.commandLine(), "--jaeger needs exactly one of --correlation-id ID or --patterns");
    }
    if (patterns && service == null) {
      throw new ParameterException(spec.commandLine(), "--patterns needs --service NAME");
    }
    if (watch != null) {
      throw new ParameterException(spec.commandLine(), "--watch does not apply to --jaeger");
    }
    if (traces < 1) {
      throw new ParameterException(spec.commandLine(), "--traces must be at least 1, was " + traces);
    }
    JaegerTraces jaeger = new JaegerTraces(source.jaeger);
    try {
      if (patterns) {
        CorrelationPatterns p =
            new CorrelationPatterns(service, jaeger.recent(service, traces), top);
        out.print(format == ReportFormat.JSON ? p.json()
            : format == ReportFormat.MARKDOWN ? p.markdown() : p.text());
      } else {
        CorrelatedOperations ops =
            new CorrelatedOperations(
                correlationId, jaeger.byCorrelationId(correlationId, service, traces));
        if (ops.isEmpty()) {
          err.println(
              "perftrace-report: no trace with perftrace.correlation_id=" + correlationId
                  + " in Jaeger at " + source.jaeger
                  + (service != null ? " (service " + service + ")" : ""));
          return EXIT_SOURCE;
        }
        out.print(format == ReportFormat.JSON ? ops.json()
            : format == ReportFormat.MARKDOWN ? ops.markdown() : ops.text());
      }
      out.flush();
      return 0;
    } catch (UncheckedIOException e) {
      err.println("perftrace-report: " + describe(e));
      return EXIT_SOURCE;
    } catch (RuntimeException e) {
      err.println("perftrace-report: unexpected answer from Jaeger at " + source.jaeger + ": " + e);
      return EXIT_SOURCE;
    }
  }

  private String render(ReportData data, boolean watching) {
    switch (format) {
      case TEXT:
        return watching
            ? CLEAR_SCREEN + Renderer.text(data, top) + footer()
            : Renderer.text(data, top);
      case MARKDOWN:
        return watching
            ? CLEAR_SCREEN + Renderer.markdown(data, top) + footer()
            : Renderer.markdown(data, top);
      case JSON:
        // In watch mode: one JSON document per line (JSON Lines).
        return Renderer.json(data, top, !watching);
      default:
        throw new AssertionError(format);
    }
  }

  private String footer() {
    return "\nRefreshing every " + PrometheusSource.promDuration(watch) + "; Ctrl+C to stop.\n";
  }

  private static String describe(UncheckedIOException e) {
    Throwable cause = e.getCause();
    if (cause != null && cause.getMessage() != null && e.getMessage().equals(cause.toString())) {
      return cause.getMessage();
    }
    return e.getMessage();
  }

  /** Parses {@code 1500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 1d}, {@code 1m30s}, ISO. */
  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    private static final Pattern PART = Pattern.compile("([0-9]{1,9})(ms|s|m|h|d)");

    @Override
    public Duration convert(String value) {
      String v = value.trim();
      if (v.toUpperCase(Locale.ROOT).startsWith("P")) {
        try {
          return Duration.parse(v);
        } catch (DateTimeParseException e) {
          throw new CommandLine.TypeConversionException("not a duration: '" + value + "'");
        }
      }
      Matcher m = PART.matcher(v);
      Duration total = Duration.ZERO;
      int end = 0;
      while (m.find() && m.start() == end) {
        long n = Long.parseLong(m.group(1));
        switch (m.group(2)) {
          case "ms":
            total = total.plusMillis(n);
            break;
          case "s":
            total = total.plusSeconds(n);
            break;
          case "m":
            total = total.plusMinutes(n);
            break;
          case "h":
            total = total.plusHours(n);
            break;
          default:
            total = total.plusDays(n);
            break;
        }
        end = m.end();
      }
      if (end == 0 || end != v.length()) {
        throw new CommandLine.TypeConversionException(
            "not a duration: '" + value + "' (use e.g. 500ms, 30s, 5m, 1h)");
      }
      return total;
    }
  }
}

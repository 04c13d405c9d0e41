package dev.perftrace.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark regression gate: reads a JMH JSON result and a committed baseline, prints a
 * table of ratios and the in-run targets, and exits non-zero on a regression or a missed target.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.perftrace.benchmarks.Compare \
 *     [--baseline benchmarks/baseline.json] [--threshold 1.25] [--alloc-slack 1.0] \
 *     [--targets enforce|warn|off] RESULT.json
 * </pre>
 *
 * <p>Exit status: 0 pass, 1 regression or missed target, 2 bad usage or unreadable input.
 *
 * <p>Thread safety: stateless; {@link #run} may be called concurrently.
 */
public final class Compare {

  /** Default regression threshold: more than 25 % slower than the baseline. */
  public static final double DEFAULT_THRESHOLD = 1.25;
  /** Default B/op under which allocation differences count as noise. */
  public static final double DEFAULT_ALLOC_SLACK = 1.0;
  /** Default baseline path, relative to the repository root. */
  public static final String DEFAULT_BASELINE = "benchmarks/baseline.json";

  private static final String USAGE =
      "usage: Compare [--baseline FILE] [--threshold RATIO] [--alloc-slack BYTES]"
          + " [--targets enforce|warn|off] RESULT.json";

  private Compare() {}

  /** Runs the comparison and exits with its status. */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Runs the comparison, printing the report to {@code out} and problems to {@code err}.
   *
   * @return 0 pass, 1 regression or missed target, 2 bad usage or unreadable input
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    Path baselineFile = Path.of(DEFAULT_BASELINE);
    double threshold = DEFAULT_THRESHOLD;
    double allocSlack = DEFAULT_ALLOC_SLACK;
    String targets = "enforce";
    Path resultFile = null;
    try {
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        switch (arg) {
          case "--baseline":
            baselineFile = Path.of(value(args, ++i, arg));
            break;
          case "--threshold":
            threshold = Double.parseDouble(value(args, ++i, arg));
            break;
          case "--alloc-slack":
            allocSlack = Double.parseDouble(value(args, ++i, arg));
            break;
          case "--targets":
            targets = value(args, ++i, arg);
            if (!List.of("enforce", "warn", "off").contains(targets)) {
              throw new IllegalArgumentException("--targets must be enforce, warn or off");
            }
            break;
          case "-h":
          case "--help":
            out.println(USAGE);
            return 0;
          default:
            if (arg.startsWith("-") || resultFile != null) {
              throw new IllegalArgumentException("unexpected argument " + arg);
            }
            resultFile = Path.of(arg);
        }
      }
      if (resultFile == null) {
        throw new IllegalArgumentException("no result file given");
      }
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.println(USAGE);
      return 2;
    }

    Comparison comparison;
    try {
      if (!Files.isRegularFile(baselineFile)) {
        err.println("baseline " + baselineFile + " not found");
        return 2;
      }
      comparison =
          Comparison.of(
              JmhResults.read(baselineFile),
              JmhResults.read(resultFile),
              "off".equals(targets) ? List.of() : Target.defaults(),
              threshold,
              allocSlack);
    } catch (IOException | IllegalArgumentException e) {
      err.println("cannot compare: " + e.getMessage());
      return 2;
    }
    comparison.print(out);
    out.println();
    boolean regressed = comparison.regressed();
    boolean missed = comparison.targetMissed();
    out.printf(
        Locale.ROOT,
        "%s: %s against %s; %s%n",
        regressed || (missed && "enforce".equals(targets)) ? "FAIL" : "PASS",
        regressed ? "regression" : "no regression",
        baselineFile,
        missed ? "targets missed (" + targets + ")" : "targets met or not measured");
    return regressed || (missed && "enforce".equals(targets)) ? 1 : 0;
  }

  private static String value(String[] args, int index, String option) {
    if (index >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[index];
  }
}

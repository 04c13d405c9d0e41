package dev.perftrace.testing;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The accuracy suites' known distributions: seeded, {@value #SAMPLES} samples each, whole
 * nanoseconds (as {@code recordDuration} receives them), with the exact quantiles of the samples
 * as truth. One definition for every module's accuracy tests (explicit buckets, exponential and
 * native histograms, the report), so their error tables describe the same samples.
 *
 * <p>Thread safety: stateless; a {@link Sample} is not to be modified.
 */
public final class KnownDistributions {

  /** Samples per distribution. */
  public static final int SAMPLES = 100_000;

  /** The quantiles the accuracy tables report. */
  public static final double[] QUANTILES = {0.5, 0.9, 0.99, 0.999};

  /** One distribution: its name (used as operation name) and its samples in nanoseconds. */
  public record Sample(String name, long[] nanos) {

    /** The exact q-quantile in seconds: the nearest-rank sample, ceil(q·n)-th smallest. */
    public double exactSeconds(double q) {
      long[] sorted = nanos.clone();
      Arrays.sort(sorted);
      int rank = (int) Math.ceil(q * sorted.length);
      return sorted[Math.max(0, rank - 1)] / 1e9;
    }

    /** Sample {@code i} as a duration. */
    public Duration duration(int i) {
      return Duration.ofNanos(nanos[i]);
    }

    /** Sample {@code i} in seconds. */
    public double seconds(int i) {
      return nanos[i] / 1e9;
    }

    /** The number of samples. */
    public int size() {
      return nanos.length;
    }
  }

  private KnownDistributions() {}

  /** Lognormal with the given median and σ (of the natural log), seeded. */
  public static Sample lognormal(String name, double medianSeconds, double sigma, long seed) {
    Random random = new Random(seed);
    long[] nanos = new long[SAMPLES];
    for (int i = 0; i < SAMPLES; i++) {
      nanos[i] = toNanos(medianSeconds * Math.exp(sigma * random.nextGaussian()));
    }
    return new Sample(name, nanos);
  }

  /** Log-uniform between {@code lowSeconds} and {@code highSeconds}, seeded. */
  public static Sample logUniform(String name, double lowSeconds, double highSeconds, long seed) {
    Random random = new Random(seed);
    double span = Math.log(highSeconds / lowSeconds);
    long[] nanos = new long[SAMPLES];
    for (int i = 0; i < SAMPLES; i++) {
      nanos[i] = toNanos(lowSeconds * Math.exp(span * random.nextDouble()));
    }
    return new Sample(name, nanos);
  }

  /**
   * 99 % lognormal around 200 µs and 1 % lognormal around 300 ms (σ = 1 each, as the other
   * distributions; each sample picks its mode at random), seeded.
   */
  public static Sample bimodal(String name, long seed) {
    Random random = new Random(seed);
    long[] nanos = new long[SAMPLES];
    for (int i = 0; i < SAMPLES; i++) {
      double median = random.nextDouble() < 0.99 ? 200e-6 : 0.3;
      nanos[i] = toNanos(median * Math.exp(random.nextGaussian()));
    }
    return new Sample(name, nanos);
  }

  /** The distributions the default explicit buckets must resolve within 25 % (issue 11). */
  public static List<Sample> explicitSuite() {
    return List.of(
        lognormal("lognormal_50us", 50e-6, 1.0, 11),
        lognormal("lognormal_2ms", 2e-3, 1.0, 12),
        bimodal("bimodal_200us_300ms", 13));
  }

  /** The explicit suite and one series spanning 1 µs to 10 s (native histograms, the report). */
  public static List<Sample> nativeSuite() {
    return List.of(
        lognormal("lognormal_50us", 50e-6, 1.0, 11),
        lognormal("lognormal_2ms", 2e-3, 1.0, 12),
        bimodal("bimodal_200us_300ms", 13),
        logUniform("loguniform_1us_10s", 1e-6, 10.0, 24));
  }

  /** Signed relative error of an estimate against the exact value. */
  public static double error(double estimate, double exact) {
    return (estimate - exact) / exact;
  }

  private static long toNanos(double seconds) {
    return Math.max(1L, Math.round(seconds * 1e9));
  }
}

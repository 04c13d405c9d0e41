package dev.perftrace.exporter.prometheus;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Seeded known distributions for the native-histogram accuracy suite (the same definitions and
 * seeds as the SDK module's accuracy suite): 100,000 samples each in whole nanoseconds, with the
 * exact quantiles of the samples as truth.
 */
final class KnownDistributions {

  static final int SAMPLES = 100_000;
  static final double[] QUANTILES = {0.5, 0.9, 0.99, 0.999};

  /** One distribution: its name and its samples in nanoseconds. */
  record Sample(String name, long[] nanos) {

    /** The exact q-quantile in seconds: the nearest-rank sample, ceil(q·n)-th smallest. */
    double exactSeconds(double q) {
      long[] sorted = nanos.clone();
      Arrays.sort(sorted);
      int rank = (int) Math.ceil(q * sorted.length);
      return sorted[Math.max(0, rank - 1)] / 1e9;
    }

    double seconds(int i) {
      return nanos[i] / 1e9;
    }
  }

  private KnownDistributions() {}

  static Sample lognormal(String name, double medianSeconds, double sigma, long seed) {
    Random random = new Random(seed);
    long[] nanos = new long[SAMPLES];
    for (int i = 0; i < SAMPLES; i++) {
      nanos[i] = toNanos(medianSeconds * Math.exp(sigma * random.nextGaussian()));
    }
    return new Sample(name, nanos);
  }

  static Sample logUniform(String name, double lowSeconds, double highSeconds, long seed) {
    Random random = new Random(seed);
    double span = Math.log(highSeconds / lowSeconds);
    long[] nanos = new long[SAMPLES];
    for (int i = 0; i < SAMPLES; i++) {
      nanos[i] = toNanos(lowSeconds * Math.exp(span * random.nextDouble()));
    }
    return new Sample(name, nanos);
  }

  /** 99 % lognormal around 200 µs, 1 % around 300 ms, σ = 1 each. */
  static Sample bimodal(String name, long seed) {
    Random random = new Random(seed);
    long[] nanos = new long[SAMPLES];
    for (int i = 0; i < SAMPLES; i++) {
      double median = random.nextDouble() < 0.99 ? 200e-6 : 0.3;
      nanos[i] = toNanos(median * Math.exp(random.nextGaussian()));
    }
    return new Sample(name, nanos);
  }

  /** Issue 11's suite for native histograms: 50 µs and 2 ms lognormals, bimodal, 1 µs–10 s. */
  static List<Sample> nativeSuite() {
    return List.of(
        lognormal("lognormal_50us", 50e-6, 1.0, 11),
        lognormal("lognormal_2ms", 2e-3, 1.0, 12),
        bimodal("bimodal_200us_300ms", 13),
        logUniform("loguniform_1us_10s", 1e-6, 10.0, 24));
  }

  static double error(double estimate, double exact) {
    return (estimate - exact) / exact;
  }

  private static long toNanos(double seconds) {
    return Math.max(1L, Math.round(seconds * 1e9));
  }
}

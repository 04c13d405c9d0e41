package dev.perftrace.benchmarks;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler ({@code -prof dev.perftrace.benchmarks.CpuTimeProfiler}) reporting {@value
 * #METRIC}: the CPU time the whole benchmark JVM consumed during an iteration divided by the
 * operations of that iteration, in ns/op.
 *
 * <p>On a shared machine, wall-clock ns/op (JMH's primary score) includes the time the benchmark
 * threads wait for a CPU while other processes run; CPU time per operation does not, and it also
 * charges each contender for the work it causes on other threads (the batch span processor's
 * worker, the metric reader, GC). {@link Compare} uses it for time ratios when both sides have
 * it.
 *
 * <p>Thread safety: JMH calls a profiler instance from one thread. The public no-argument
 * constructor is required by JMH, which instantiates profilers reflectively.
 */
public final class CpuTimeProfiler implements InternalProfiler {

  /** Name of the secondary metric. */
  public static final String METRIC = "cpu.time.norm";

  private final OperatingSystemMXBean os =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private long startCpuNanos;

  /** Called by JMH. */
  public CpuTimeProfiler() {}

  @Override
  public String getDescription() {
    return "process CPU time per operation (all threads), ns/op";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    startCpuNanos = os.getProcessCpuTime();
  }

  @Override
  public Collection<? extends Result<?>> afterIteration(
      BenchmarkParams benchmarkParams, IterationParams iterationParams, IterationResult result) {
    long cpuNanos = os.getProcessCpuTime() - startCpuNanos;
    long ops = result.getMetadata().getAllOps();
    if (startCpuNanos < 0 || cpuNanos < 0 || ops <= 0) {
      return List.of();
    }
    return List.of(
        new ScalarResult(METRIC, (double) cpuNanos / ops, "ns/op", AggregationPolicy.AVG));
  }
}

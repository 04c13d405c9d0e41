package dev.perftrace.benchmarks;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler ({@code -prof dev.perftrace.benchmarks.CpuTimeProfiler}) reporting, per
 * iteration, CPU time divided by the operations of that iteration, in ns/op:
 *
 * <ul>
 *   <li>{@value #CALLER_METRIC}: CPU time of the benchmark threads only (JMH's {@code
 *       jmh-worker} threads) — the cost on the caller's hot path;
 *   <li>{@value #METRIC}: CPU time of the whole JVM (all threads, including the batch span
 *       processor's worker, the metric reader and GC).
 * </ul>
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

  /** Name of the whole-process metric. */
  public static final String METRIC = "cpu.time.norm";
  /** Name of the benchmark-threads metric. */
  public static final String CALLER_METRIC = "cpu.caller.norm";

  private final OperatingSystemMXBean os =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private long startCpuNanos;
  private Map<Long, Long> startCallerNanos = Map.of();

  /** Called by JMH. */
  public CpuTimeProfiler() {}

  @Override
  public String getDescription() {
    return "process CPU time per operation (all threads), ns/op";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    startCallerNanos = callerCpu();
    startCpuNanos = os.getProcessCpuTime();
  }

  @Override
  public Collection<? extends Result<?>> afterIteration(
      BenchmarkParams benchmarkParams, IterationParams iterationParams, IterationResult result) {
    long cpuNanos = os.getProcessCpuTime() - startCpuNanos;
    Map<Long, Long> endCallerNanos = callerCpu();
    long ops = result.getMetadata().getAllOps();
    List<Result<?>> results = new ArrayList<>();
    if (ops <= 0) {
      return results;
    }
    if (startCpuNanos >= 0 && cpuNanos >= 0) {
      results.add(new ScalarResult(METRIC, (double) cpuNanos / ops, "ns/op", AggregationPolicy.AVG));
    }
    long callerNanos = 0;
    for (Map.Entry<Long, Long> end : endCallerNanos.entrySet()) {
      callerNanos += end.getValue() - startCallerNanos.getOrDefault(end.getKey(), 0L);
    }
    if (!endCallerNanos.isEmpty()) {
      results.add(
          new ScalarResult(CALLER_METRIC, (double) callerNanos / ops, "ns/op", AggregationPolicy.AVG));
    }
    return results;
  }

  /** CPU time of each live JMH worker thread, by thread ID. */
  private Map<Long, Long> callerCpu() {
    Map<Long, Long> cpu = new HashMap<>();
    if (!threads.isThreadCpuTimeSupported()) {
      return cpu;
    }
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && info.getThreadName().contains("jmh-worker")) {
        long nanos = threads.getThreadCpuTime(info.getThreadId());
        if (nanos >= 0) {
          cpu.put(info.getThreadId(), nanos);
        }
      }
    }
    return cpu;
  }
}

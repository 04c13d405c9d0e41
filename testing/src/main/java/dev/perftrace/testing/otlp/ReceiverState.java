package dev.perftrace.testing.otlp;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** What a receiver has received and how it answers; shared by the gRPC and HTTP receivers. */
final class ReceiverState {

  private final List<ExportTraceServiceRequest> traceRequests = new CopyOnWriteArrayList<>();
  private final List<ExportMetricsServiceRequest> metricRequests = new CopyOnWriteArrayList<>();
  private final List<Map<String, String>> headers = new CopyOnWriteArrayList<>();
  private final AtomicInteger attempts = new AtomicInteger();
  private final Object lock = new Object();
  private ReceiverBehavior behavior = ReceiverBehavior.ACCEPT; // guarded by lock
  private long generation; // guarded by lock; bumps when HANG ends
  private boolean closed; // guarded by lock

  void addTraces(ExportTraceServiceRequest request) {
    traceRequests.add(request);
  }

  void addMetrics(ExportMetricsServiceRequest request) {
    metricRequests.add(request);
  }

  void addHeaders(Map<String, String> requestHeaders) {
    headers.add(Map.copyOf(requestHeaders));
    attempts.incrementAndGet();
  }

  ReceiverBehavior behavior() {
    synchronized (lock) {
      return behavior;
    }
  }

  void setBehavior(ReceiverBehavior newBehavior) {
    synchronized (lock) {
      if (behavior == ReceiverBehavior.HANG && newBehavior != ReceiverBehavior.HANG) {
        generation++;
        lock.notifyAll();
      }
      behavior = newBehavior;
    }
  }

  /** Blocks while the behavior is HANG (bounded by {@code maxMillis}); for blocking servers. */
  void awaitHangReleased(long maxMillis) throws InterruptedException {
    long deadline = System.nanoTime() + maxMillis * 1_000_000L;
    synchronized (lock) {
      long startGeneration = generation;
      while (!closed && generation == startGeneration && behavior == ReceiverBehavior.HANG) {
        long remaining = (deadline - System.nanoTime()) / 1_000_000L;
        if (remaining <= 0) {
          return;
        }
        lock.wait(remaining);
      }
    }
  }

  void close() {
    synchronized (lock) {
      closed = true;
      lock.notifyAll();
    }
  }

  List<ExportTraceServiceRequest> traceRequests() {
    return List.copyOf(traceRequests);
  }

  List<ExportMetricsServiceRequest> metricRequests() {
    return List.copyOf(metricRequests);
  }

  List<Map<String, String>> headers() {
    return List.copyOf(headers);
  }

  int attempts() {
    return attempts.get();
  }

  List<ReceivedSpan> spans() {
    return ReceivedSpan.fromRequests(traceRequests());
  }

  List<Metric> metrics() {
    List<Metric> metrics = new ArrayList<>();
    for (ExportMetricsServiceRequest request : metricRequests) {
      for (ResourceMetrics resourceMetrics : request.getResourceMetricsList()) {
        for (ScopeMetrics scopeMetrics : resourceMetrics.getScopeMetricsList()) {
          metrics.addAll(scopeMetrics.getMetricsList());
        }
      }
    }
    return List.copyOf(metrics);
  }

  Set<String> metricNames() {
    Set<String> names = new TreeSet<>();
    for (Metric metric : metrics()) {
      names.add(metric.getName());
    }
    return names;
  }

  void clear() {
    traceRequests.clear();
    metricRequests.clear();
    headers.clear();
    attempts.set(0);
  }
}

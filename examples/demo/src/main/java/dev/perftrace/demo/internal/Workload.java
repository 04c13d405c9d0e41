package dev.perftrace.demo.internal;

import dev.perftrace.CorrelationScope;
import dev.perftrace.Operation;
import dev.perftrace.PerfTracer;
import dev.perftrace.examples.store.ContentStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The demo's mixed workload: client threads issuing requests against a {@link ContentStore} until
 * a deadline. Each request runs in its own correlation scope ({@code demo-<thread>-<seq>}) as the
 * operation {@code demo.request}, whose children are the store's spans (and, across the HTTP hop,
 * the peer's). The mix: 88 % gets of catalogue keys with Zipf popularity, 8 % puts of uploads, 4 %
 * gets of keys no tier has (failures). Internal: not API.
 *
 * <p>Thread safety: {@link #start}, {@link #await} and {@link #stop} may be called from any thread.
 */
public final class Workload {

  /** Requests slower than this count as slow on the progress line. */
  public static final Duration SLOW_THRESHOLD = Duration.ofMillis(500);

  private static final int UPLOAD_KEYS = 200;
  private static final int MISSING_KEYS = 50;

  private final ContentStore store;
  private final PerfTracer tracer;
  private final Catalogue catalogue;
  private final int threads;
  private final Duration duration;
  private final long seed;
  private final Stats stats = new Stats();
  private final List<Thread> workers = new ArrayList<>();
  private final CountDownLatch done;
  private volatile boolean stopped;
  private volatile long startNanos;

  /** Creates a workload of {@code threads} clients running for {@code duration}. */
  public Workload(
      ContentStore store,
      PerfTracer tracer,
      Catalogue catalogue,
      int threads,
      Duration duration,
      long seed) {
    this.store = store;
    this.tracer = tracer;
    this.catalogue = catalogue;
    this.threads = threads;
    this.duration = duration;
    this.seed = seed;
    this.done = new CountDownLatch(threads);
  }

  /** Returns the counters. */
  public Stats stats() {
    return stats;
  }

  /** Returns the configured duration. */
  public Duration duration() {
    return duration;
  }

  /** Returns the time since {@link #start()}. */
  public Duration elapsed() {
    long start = startNanos;
    return start == 0 ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - start);
  }

  /** Starts the client threads (daemon threads: they never keep the JVM alive). */
  public synchronized void start() {
    startNanos = System.nanoTime();
    long deadline = startNanos + duration.toNanos();
    SplittableRandom root = new SplittableRandom(seed);
    for (int i = 0; i < threads; i++) {
      SplittableRandom random = root.split();
      int index = i;
      Thread worker = new Thread(() -> run(index, random, deadline), "demo-client-" + i);
      worker.setDaemon(true);
      workers.add(worker);
      worker.start();
    }
  }

  /** Waits until every client thread has finished; returns false on timeout. */
  public boolean await(long timeout, TimeUnit unit) throws InterruptedException {
    return done.await(timeout, unit);
  }

  /** Asks the client threads to stop after their current request. */
  public void stop() {
    stopped = true;
  }

  private void run(int worker, SplittableRandom random, long deadline) {
    try {
      long seq = 0;
      while (!stopped && System.nanoTime() - deadline < 0) {
        request(worker, ++seq, random);
        thinkTime(random);
      }
    } finally {
      done.countDown();
    }
  }

  @SuppressWarnings("try") // the correlation scope is used for its side effect
  private void request(int worker, long seq, SplittableRandom random) {
    long start = System.nanoTime();
    int roll = random.nextInt(100);
    try (CorrelationScope correlation = tracer.correlate("demo-" + worker + "-" + seq);
        Operation op = tracer.start("demo.request")) {
      try {
        if (roll < 88) {
          int index = catalogue.sampleIndex(random);
          op.setAttribute("demo.request.kind", "get");
          stats.gets.increment();
          stats.bytesRead.add(store.get(Catalogue.key(index)).length);
        } else if (roll < 96) {
          byte[] upload = new byte[1024 + random.nextInt(31 * 1024)];
          random.nextBytes(upload);
          op.setAttribute("demo.request.kind", "put");
          stats.puts.increment();
          store.put("upload-" + random.nextInt(UPLOAD_KEYS), upload);
          stats.bytesWritten.add(upload.length);
        } else {
          op.setAttribute("demo.request.kind", "get-missing");
          stats.gets.increment();
          store.get("missing-" + random.nextInt(MISSING_KEYS));
        }
      } catch (RuntimeException e) {
        op.fail(e);
        stats.errors.increment();
      }
    } finally {
      if (System.nanoTime() - start > SLOW_THRESHOLD.toNanos()) {
        stats.slow.increment();
      }
    }
  }

  private static void thinkTime(SplittableRandom random) {
    try {
      // An application pacing its own clients (5-15 ms between requests per thread).
      Thread.sleep(5 + random.nextInt(11));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

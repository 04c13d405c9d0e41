package dev.perftrace.exporter.otlp.internal.grpc;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ConnectivityState;
import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.GrpcResponse;
import io.opentelemetry.sdk.common.export.GrpcSender;
import io.opentelemetry.sdk.common.export.GrpcSenderConfig;
import io.opentelemetry.sdk.common.export.GrpcStatusCode;
import io.opentelemetry.sdk.common.export.MessageWriter;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A {@link GrpcSender} on a grpc-java channel of its own: one unary call per attempt, retries per
 * the config's {@link RetryPolicy} scheduled on a timer (never by blocking a thread), all attempts
 * within the config's timeout.
 *
 * <p>This class is internal and is not API. Thread safety: safe for concurrent use; {@link #send}
 * never blocks and may be called from any thread.
 */
final class GrpcJavaSender implements GrpcSender {

  private static final Logger LOGGER = System.getLogger(GrpcJavaSender.class.getName());

  /** How long {@link #shutdown()} lets in-flight calls finish before cancelling them. */
  static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);

  /** How long {@link #shutdown()} then waits for the cancelled channel to terminate. */
  static final Duration SHUTDOWN_FORCE_WAIT = Duration.ofSeconds(1);

  /**
   * The status codes OTLP calls retryable (the OTLP specification's list, which OpenTelemetry's
   * own senders use). {@code RESOURCE_EXHAUSTED} is retried only when the server says recovery is
   * possible (a {@code google.rpc.RetryInfo} in the status details), as the OTLP specification
   * says: a request over the server's message limit is not retried.
   */
  static final Set<Status.Code> RETRYABLE =
      EnumSet.of(
          Status.Code.CANCELLED,
          Status.Code.DEADLINE_EXCEEDED,
          Status.Code.ABORTED,
          Status.Code.OUT_OF_RANGE,
          Status.Code.UNAVAILABLE,
          Status.Code.DATA_LOSS);

  private static final Metadata.Key<byte[]> STATUS_DETAILS =
      Metadata.Key.of("grpc-status-details-bin", Metadata.BINARY_BYTE_MARSHALLER);
  private static final byte[] RETRY_INFO_TYPE =
      "type.googleapis.com/google.rpc.RetryInfo".getBytes(StandardCharsets.US_ASCII);

  private final ManagedChannel channel;
  private final boolean ownsChannel;
  private final MethodDescriptor<MessageWriter, byte[]> method;
  private final String compression; // null: none
  private final long timeoutNanos; // 0: no deadline
  private final Supplier<Map<String, List<String>>> headers;
  private final RetryPolicy retryPolicy; // null: no retry
  private final Executor callbackExecutor; // null: the gRPC thread that completes the call
  private final AtomicBoolean shutdown = new AtomicBoolean();
  private final Map<Exchange, ScheduledFuture<?>> pendingRetries = new ConcurrentHashMap<>();
  private final AtomicBoolean loggedBadHeader = new AtomicBoolean();
  private final AtomicInteger callsInFlight = new AtomicInteger();
  // Sends whose callback (onResponse or onError) has not returned yet. grpc-java may report the
  // channel terminated while a closed call's listener is still queued on its executor, so the
  // channel alone does not say that every export has its answer.
  private final AtomicInteger unanswered = new AtomicInteger();
  private final CompletableFuture<Void> allAnswered = new CompletableFuture<>(); // after shutdown
  private volatile ScheduledExecutorService retryTimer; // created on the first retry

  GrpcJavaSender(ManagedChannel channel, boolean ownsChannel, GrpcSenderConfig config) {
    this.channel = channel;
    this.ownsChannel = ownsChannel;
    this.method =
        MethodDescriptor.<MessageWriter, byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(config.getFullMethodName())
            .setRequestMarshaller(new RequestMarshaller())
            .setResponseMarshaller(new ResponseMarshaller())
            .build();
    this.compression = config.getCompressor() == null ? null : config.getCompressor().getEncoding();
    Duration timeout = config.getTimeout();
    this.timeoutNanos = timeout == null || timeout.isNegative() ? 0 : timeout.toNanos();
    Supplier<Map<String, List<String>>> supplier = config.getHeadersSupplier();
    this.headers = supplier == null ? Map::of : supplier;
    this.retryPolicy = config.getRetryPolicy();
    this.callbackExecutor = config.getExecutorService();
  }

  /** Builds the channel and asks it to connect now, in the background (no wait). */
  static GrpcJavaSender create(GrpcSenderConfig config) {
    ManagedChannel handed = SenderChannels.handedChannel(config);
    ManagedChannel channel = handed != null ? handed : SenderChannels.create(config);
    channel.getState(/* requestConnection= */ true);
    return new GrpcJavaSender(channel, handed == null, config);
  }

  /** The channel, for tests. */
  ManagedChannel channel() {
    return channel;
  }

  @Override
  public void send(
      MessageWriter messageWriter, Consumer<GrpcResponse> onResponse, Consumer<Throwable> onError) {
    unanswered.incrementAndGet(); // before the shutdown check: shutdown then waits for it
    Exchange exchange = new Exchange(messageWriter, onResponse, onError);
    if (shutdown.get()) {
      exchange.fail(new IllegalStateException("the gRPC sender is shut down"));
      return;
    }
    exchange.attempt(1);
  }

  @Override
  public CompletableResultCode shutdown() {
    CompletableResultCode result = new CompletableResultCode();
    if (!shutdown.compareAndSet(false, true)) {
      // a second shutdown completes as the first: channel terminated and every send answered,
      // or after the same bound
      return awaitInBackground(result);
    }
    if (unanswered.get() == 0) {
      allAnswered.complete(null);
    }
    ScheduledExecutorService timer = retryTimer;
    if (timer != null) {
      timer.shutdownNow();
    }
    // Pending retries end now with the answer of their last attempt.
    for (Map.Entry<Exchange, ScheduledFuture<?>> pending : pendingRetries.entrySet()) {
      if (pending.getValue().cancel(false)) {
        pending.getKey().giveUp();
      }
    }
    pendingRetries.clear();
    if (ownsChannel) { // a channel handed to the exporter stays its owner's
      channel.shutdown(); // in-flight calls may finish within the grace period
      if (callsInFlight.get() == 0) {
        // Nothing to wait for. A graceful shutdown can otherwise linger on a channel that was
        // reconnecting (measured: 5 s after a refused call) although no call needs it.
        channel.shutdownNow();
      }
    }
    return awaitInBackground(result);
  }

  /**
   * Completes {@code result} once the owned channel has terminated and every send has delivered
   * its callback, within {@link #SHUTDOWN_GRACE} plus {@link #SHUTDOWN_FORCE_WAIT} in all; fails
   * it when either is not done by then.
   */
  private CompletableResultCode awaitInBackground(CompletableResultCode result) {
    Thread waiter =
        new Thread(
            () -> {
              long end =
                  System.nanoTime() + SHUTDOWN_GRACE.toNanos() + SHUTDOWN_FORCE_WAIT.toNanos();
              boolean terminated = !ownsChannel || awaitChannel();
              boolean answered = awaitAnswers(end);
              if (terminated && answered) {
                result.succeed();
                return;
              }
              if (!terminated) {
                LOGGER.log(Level.WARNING, "the OTLP gRPC channel did not terminate in time");
              }
              if (!answered) {
                LOGGER.log(
                    Level.WARNING,
                    "{0} OTLP gRPC export(s) had not been answered when shutdown gave up",
                    unanswered.get());
              }
              result.fail();
            },
            "perftrace-otlp-grpc-shutdown");
    waiter.setDaemon(true);
    waiter.start();
    return result;
  }

  /** Waits for the owned channel to terminate: the grace period, then cancelled calls. */
  private boolean awaitChannel() {
    try {
      if (!channel.awaitTermination(SHUTDOWN_GRACE.toNanos(), TimeUnit.NANOSECONDS)) {
        channel.shutdownNow();
        channel.awaitTermination(SHUTDOWN_FORCE_WAIT.toNanos(), TimeUnit.NANOSECONDS);
      }
    } catch (InterruptedException e) {
      channel.shutdownNow();
      Thread.currentThread().interrupt();
    }
    return channel.isTerminated();
  }

  /** Waits until every send's callback has returned, at most until {@code end} (nanoTime). */
  private boolean awaitAnswers(long end) {
    try {
      allAnswered.get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException | ExecutionException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return allAnswered.isDone();
    }
  }

  /** A send's callback has returned (or thrown). */
  private void answered() {
    if (unanswered.decrementAndGet() == 0 && shutdown.get()) {
      allAnswered.complete(null);
    }
  }

  private ScheduledExecutorService retryTimer() {
    ScheduledExecutorService timer = retryTimer;
    if (timer == null) {
      synchronized (this) {
        timer = retryTimer;
        if (timer == null) {
          ScheduledThreadPoolExecutor executor =
              new ScheduledThreadPoolExecutor(
                  1,
                  r -> {
                    Thread t = new Thread(r, "perftrace-otlp-grpc-retry");
                    t.setDaemon(true);
                    return t;
                  });
          executor.setRemoveOnCancelPolicy(true);
          retryTimer = timer = executor;
          if (shutdown.get()) {
            executor.shutdownNow();
          }
        }
      }
    }
    return timer;
  }

  /** The delay before attempt {@code attempt + 1}: exponential, capped, full jitter. */
  static long backoffNanos(RetryPolicy policy, int attempt, double random) {
    double backoff =
        policy.getInitialBackoff().toNanos() * Math.pow(policy.getBackoffMultiplier(), attempt - 1);
    double capped = Math.min(backoff, policy.getMaxBackoff().toNanos());
    return (long) (capped * random);
  }

  /** Whether a failed attempt with {@code status} and {@code trailers} may be retried. */
  static boolean isRetryable(Status status, Metadata trailers) {
    if (RETRYABLE.contains(status.getCode())) {
      return true;
    }
    if (status.getCode() == Status.Code.RESOURCE_EXHAUSTED && trailers != null) {
      byte[] details = trailers.get(STATUS_DETAILS);
      return details != null && contains(details, RETRY_INFO_TYPE);
    }
    return false;
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /** One {@link #send} call: its attempts and its single outcome. */
  private final class Exchange {
    private final MessageWriter message;
    private final Consumer<GrpcResponse> onResponse;
    private final Consumer<Throwable> onError;
    private final long deadline; // System.nanoTime() based; unused when timeoutNanos == 0
    private final AtomicBoolean done = new AtomicBoolean();
    private volatile GrpcResponse last;

    Exchange(MessageWriter message, Consumer<GrpcResponse> onResponse, Consumer<Throwable> onError) {
      this.message = message;
      this.onResponse = onResponse;
      this.onError = onError;
      this.deadline = System.nanoTime() + timeoutNanos;
    }

    void attempt(int attempt) {
      pendingRetries.remove(this);
      if (shutdown.get() && attempt > 1) {
        giveUp();
        return;
      }
      ClientCall<MessageWriter, byte[]> call;
      Metadata metadata;
      try {
        // A channel in reconnect back-off would fail this attempt at once (a circuit breaker's
        // half-open trial, a retry) even when the collector is back: let it connect again now.
        // Resetting the back-off starts a reconnect, but grpc-java's pick-first keeps reporting
        // TRANSIENT_FAILURE ("sticky", gRFC A62) until it is READY, so this call would still fail
        // at once; entering idle drops that state: the call then waits for the fresh connection
        // attempt (CONNECTING) and fails at once only if that attempt fails too.
        if (channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
          channel.resetConnectBackoff();
          channel.enterIdle();
        }
        CallOptions options = CallOptions.DEFAULT;
        if (timeoutNanos > 0) {
          long remaining = deadline - System.nanoTime();
          options = options.withDeadlineAfter(Math.max(1, remaining), TimeUnit.NANOSECONDS);
        }
        if (compression != null) {
          options = options.withCompression(compression);
        }
        metadata = new Metadata();
        Map<String, List<String>> values = headers.get(); // per attempt: rotating tokens
        if (values != null) {
          for (Map.Entry<String, List<String>> header : values.entrySet()) {
            addHeader(metadata, header.getKey(), header.getValue());
          }
          List<String> host = values.get("host");
          if (host != null && !host.isEmpty()) {
            options = options.withAuthority(host.get(0));
          }
        }
        call = channel.newCall(method, options);
      } catch (RuntimeException e) {
        fail(e);
        return;
      }
      callsInFlight.incrementAndGet();
      try {
        call.start(new Listener(attempt), metadata);
        call.request(2);
        call.sendMessage(message);
        call.halfClose();
      } catch (RuntimeException e) {
        // e.g. the message writer failed: the call is cancelled and its listener reports
        call.cancel("could not send the request", e);
      }
    }

    private void addHeader(Metadata metadata, String key, List<String> values) {
      if (key == null || values == null || values.isEmpty()) {
        return;
      }
      try {
        metadata.put(
            Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER), String.join(",", values));
      } catch (IllegalArgumentException e) {
        if (loggedBadHeader.compareAndSet(false, true)) {
          LOGGER.log(
              Level.WARNING,
              "OTLP gRPC header {0} is not a valid ASCII gRPC metadata key; it is not sent",
              key);
        }
      }
    }

    void closed(int attempt, Status status, Metadata trailers, byte[] body) {
      GrpcResponse response =
          new SimpleGrpcResponse(
              GrpcStatusCode.fromValue(status.getCode().value()),
              status.getDescription(),
              body == null ? new byte[0] : body);
      last = response;
      if (status.isOk() || retryPolicy == null || attempt >= retryPolicy.getMaxAttempts()) {
        respond(response);
        return;
      }
      if (!isRetryable(status, trailers) || shutdown.get()) {
        respond(response);
        return;
      }
      long delay = backoffNanos(retryPolicy, attempt, ThreadLocalRandom.current().nextDouble());
      if (timeoutNanos > 0 && System.nanoTime() + delay >= deadline) {
        respond(response); // no time left for another attempt
        return;
      }
      try {
        ScheduledFuture<?> future =
            retryTimer().schedule(() -> attempt(attempt + 1), delay, TimeUnit.NANOSECONDS);
        pendingRetries.put(this, future);
        if (future.isDone()) {
          pendingRetries.remove(this);
        } else if (shutdown.get() && future.cancel(false)) {
          // shut down meanwhile, after shutdown() went through the pending retries
          pendingRetries.remove(this);
          giveUp();
        }
      } catch (RuntimeException e) { // rejected: shut down meanwhile
        respond(response);
      }
    }

    void giveUp() {
      GrpcResponse response = last;
      if (response != null) {
        respond(response);
      } else {
        fail(new IllegalStateException("the gRPC sender is shut down"));
      }
    }

    private void respond(GrpcResponse response) {
      if (done.compareAndSet(false, true)) {
        run(() -> onResponse.accept(response));
      }
    }

    void fail(Throwable error) {
      if (done.compareAndSet(false, true)) {
        run(() -> onError.accept(error));
      }
    }

    /** Runs the exchange's one callback; {@link #answered()} after it returns. */
    private void run(Runnable callback) {
      Runnable counted =
          () -> {
            try {
              callback.run();
            } finally {
              answered();
            }
          };
      Executor executor = callbackExecutor;
      if (executor == null) {
        counted.run();
        return;
      }
      try {
        executor.execute(counted);
      } catch (RuntimeException e) { // the executor is shut down: answer all the same
        counted.run();
      }
    }

    private final class Listener extends ClientCall.Listener<byte[]> {
      private final int attempt;
      private byte[] body;

      Listener(int attempt) {
        this.attempt = attempt;
      }

      @Override
      public void onMessage(byte[] message) {
        body = message;
      }

      @Override
      public void onClose(Status status, Metadata trailers) {
        try {
          closed(attempt, status, trailers, body); // answers before the channel terminates
        } finally {
          if (callsInFlight.decrementAndGet() == 0 && shutdown.get() && ownsChannel) {
            channel.shutdownNow(); // the last call is done: nothing left to drain
          }
        }
      }
    }
  }

  /** Streams the request through the exporter's {@link MessageWriter}. */
  private static final class RequestMarshaller implements MethodDescriptor.Marshaller<MessageWriter> {
    @Override
    public InputStream stream(MessageWriter value) {
      return new WriterStream(value);
    }

    @Override
    public MessageWriter parse(InputStream stream) {
      throw new UnsupportedOperationException("requests are only written");
    }
  }

  /**
   * A request body that grpc-java drains straight into its framer ({@link Drainable}), so the
   * message is serialized once, without an intermediate copy; plain reads materialize it.
   */
  private static final class WriterStream extends InputStream implements Drainable, KnownLength {
    private final MessageWriter writer;
    private ByteArrayInputStream buffered; // only when read instead of drained
    private boolean drained;

    WriterStream(MessageWriter writer) {
      this.writer = writer;
    }

    @Override
    public int drainTo(OutputStream target) throws IOException {
      if (buffered != null) {
        return (int) buffered.transferTo(target);
      }
      int length = drained ? 0 : writer.getContentLength();
      if (!drained) {
        drained = true;
        writer.writeMessage(target);
      }
      return length;
    }

    @Override
    public int available() {
      if (buffered != null) {
        return buffered.available();
      }
      return drained ? 0 : writer.getContentLength();
    }

    @Override
    public int read() throws IOException {
      return buffer().read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return buffer().read(b, off, len);
    }

    private ByteArrayInputStream buffer() throws IOException {
      if (buffered == null) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(32, available()));
        if (!drained) {
          drained = true;
          writer.writeMessage(out);
        }
        buffered = new ByteArrayInputStream(out.toByteArray());
      }
      return buffered;
    }
  }

  /** Reads the response message; its size is bounded by the channel's max inbound size. */
  private static final class ResponseMarshaller implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      throw new UnsupportedOperationException("responses are only read");
    }

    @Override
    public byte[] parse(InputStream stream) {
      try (InputStream in = stream) {
        return in.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException("could not read the OTLP response", e);
      }
    }
  }
}

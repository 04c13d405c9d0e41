package dev.perftrace.exporter.otlp.internal.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perftrace.testing.Poll;
import dev.perftrace.testing.otlp.OtlpGrpcReceiver;
import dev.perftrace.testing.otlp.ReceivedSpan;
import dev.perftrace.testing.otlp.ReceiverBehavior;
import dev.perftrace.testing.otlp.SelfSignedCertificate;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporterBuilder;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.GrpcResponse;
import io.opentelemetry.sdk.common.export.GrpcSenderProvider;
import io.opentelemetry.sdk.common.export.GrpcStatusCode;
import io.opentelemetry.sdk.common.export.MessageWriter;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** {@link GrpcJavaSenderProvider} under OpenTelemetry's OTLP gRPC exporter, against a real receiver. */
class GrpcJavaSenderIT {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final AttributeKey<String> CORRELATION =
      AttributeKey.stringKey("perftrace.correlation_id");
  private static final RetryPolicy FAST_RETRY =
      RetryPolicy.builder()
          .setMaxAttempts(3)
          .setInitialBackoff(Duration.ofMillis(10))
          .setMaxBackoff(Duration.ofMillis(50))
          .build();

  /** Yields only PerfTrace's gRPC sender; everything else as the class loader finds it. */
  static final ComponentLoader ONLY_PERFTRACE_SENDER =
      new ComponentLoader() {
        private final ComponentLoader delegate =
            ComponentLoader.forClassLoader(GrpcJavaSenderIT.class.getClassLoader());

        @Override
        public <T> Iterable<T> load(Class<T> spiClass) {
          if (spiClass == GrpcSenderProvider.class) {
            return List.of(spiClass.cast(new GrpcJavaSenderProvider()));
          }
          return delegate.load(spiClass);
        }
      };

  private static OtlpGrpcSpanExporterBuilder exporter(String endpoint) {
    return OtlpGrpcSpanExporter.builder()
        .setEndpoint(endpoint)
        .setComponentLoader(ONLY_PERFTRACE_SENDER)
        .setRetryPolicy(null)
        .setTimeout(Duration.ofSeconds(5));
  }

  private static List<SpanData> spans(int count) {
    InMemorySpanExporter memory = InMemorySpanExporter.create();
    try (SdkTracerProvider provider =
        SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(memory)).build()) {
      for (int i = 0; i < count; i++) {
        provider
            .get("dev.perftrace.test")
            .spanBuilder("op-" + i)
            .setAttribute(CORRELATION, "req-" + i)
            .startSpan()
            .end();
      }
      List<SpanData> finished = memory.getFinishedSpanItems(); // before close() clears them
      assertThat(finished).hasSize(count);
      return finished;
    }
  }

  private static CompletableResultCode export(OtlpGrpcSpanExporter exporter, List<SpanData> spans) {
    return exporter.export(spans).join(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Test
  void export_spans_arriveWithExactCountNamesAttributesAndTraceIds() {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      List<SpanData> sent = spans(3);
      OtlpGrpcSpanExporter exporter = exporter(receiver.endpoint()).build();
      try {
        assertThat(export(exporter, sent).isSuccess()).isTrue();
      } finally {
        exporter.shutdown().join(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      }
      List<ReceivedSpan> received = receiver.spans();
      assertThat(received).hasSize(3);
      assertThat(received.stream().map(ReceivedSpan::name)).containsExactly("op-0", "op-1", "op-2");
      assertThat(received.stream().map(s -> s.attribute("perftrace.correlation_id")))
          .containsExactly("req-0", "req-1", "req-2");
      assertThat(received.stream().map(ReceivedSpan::traceId))
          .containsExactlyElementsOf(
              sent.stream().map(SpanData::getTraceId).collect(Collectors.toList()));
      assertThat(receiver.attempts()).isEqualTo(1);
      assertThat(receiver.requestHeaders().get(0).get("user-agent")).startsWith("perftrace-otlp ");
    }
  }

  @Test
  void systemProperty_selectsThisProvider_amongSeveral() {
    String property = "io.opentelemetry.sdk.common.export.GrpcSenderProvider";
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      System.setProperty(property, GrpcJavaSenderProvider.CLASS_NAME);
      OtlpGrpcSpanExporter exporter;
      try {
        exporter =
            OtlpGrpcSpanExporter.builder()
                .setEndpoint(receiver.endpoint())
                .setRetryPolicy(null)
                .build(); // the class path's component loader: ServiceLoader
      } finally {
        System.clearProperty(property);
      }
      try {
        assertThat(export(exporter, spans(1)).isSuccess()).isTrue();
      } finally {
        exporter.shutdown().join(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      }
      assertThat(receiver.spans()).hasSize(1);
      assertThat(receiver.requestHeaders()).hasSize(1);
      assertThat(receiver.requestHeaders().get(0).get("user-agent")).startsWith("perftrace-otlp ");
    }
  }

  @Test
  void retry_unavailableOnceThenOk_deliversExactlyOnce() {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      receiver.failNext(1, Status.Code.UNAVAILABLE);
      OtlpGrpcSpanExporter exporter = exporter(receiver.endpoint()).setRetryPolicy(FAST_RETRY).build();
      try {
        assertThat(export(exporter, spans(2)).isSuccess()).isTrue();
      } finally {
        exporter.shutdown().join(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      }
      assertThat(receiver.attempts()).isEqualTo(2);
      assertThat(receiver.traceRequests()).hasSize(1);
      assertThat(receiver.spans()).hasSize(2);
    }
  }

  @Test
  void retry_givesUpAfterMaxAttempts() {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      receiver.failNext(10, Status.Code.UNAVAILABLE);
      OtlpGrpcSpanExporter exporter = exporter(receiver.endpoint()).setRetryPolicy(FAST_RETRY).build();
      try {
        assertThat(export(exporter, spans(1)).isSuccess()).isFalse();
      } finally {
        exporter.shutdown().join(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      }
      assertThat(receiver.attempts()).isEqualTo(3);
      assertThat(receiver.spans()).isEmpty();
    }
  }

  @Test
  void retry_invalidArgument_isNotRetried() {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      receiver.failNext(1, Status.Code.INVALID_ARGUMENT);
      OtlpGrpcSpanExporter exporter = exporter(receiver.endpoint()).setRetryPolicy(FAST_RETRY).build();
      try {
        assertThat(export(exporter, spans(1)).isSuccess()).isFalse();
        assertThat(receiver.attempts()).isEqualTo(1);
        // the receiver would accept a retry now: a second call proves the first was not retried
        assertThat(export(exporter, spans(1)).isSuccess()).isTrue();
      } finally {
        exporter.shutdown().join(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      }
      assertThat(receiver.attempts()).isEqualTo(2);
      assertThat(receiver.spans()).hasSize(1);
    }
  }

  @Test
  void retry_withoutRetryPolicy_oneAttempt() {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      receiver.failNext(1, Status.Code.UNAVAILABLE);
      OtlpGrpcSpanExporter exporter = exporter(receiver.endpoint()).build();
      try {
        assertThat(export(exporter, spans(1)).isSuccess()).isFalse();
      } finally {
        exporter.shutdown().join(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      }
      assertThat(receiver.attempts()).isEqualTo(1);
    }
  }

  @Test
  void headers_supplierCalledPerRequestAndPerAttempt() {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      AtomicInteger token = new AtomicInteger();
      OtlpGrpcSpanExporter exporter =
          exporter(receiver.endpoint())
              .setRetryPolicy(FAST_RETRY)
              .addHeader("x-static", "fixed")
              .setHeaders(() -> Map.of("authorization", "Bearer token-" + token.incrementAndGet()))
              .build();
      try {
        assertThat(export(exporter, spans(1)).isSuccess()).isTrue();
        receiver.failNext(1, Status.Code.UNAVAILABLE);
        assertThat(export(exporter, spans(1)).isSuccess()).isTrue(); // two attempts
        assertThat(export(exporter, spans(1)).isSuccess()).isTrue();
      } finally {
        exporter.shutdown().join(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      }
      List<Map<String, String>> headers = receiver.requestHeaders();
      assertThat(headers).hasSize(4);
      assertThat(headers.stream().map(h -> h.get("authorization")))
          .containsExactly("Bearer token-1", "Bearer token-2", "Bearer token-3", "Bearer token-4");
      assertThat(headers).allSatisfy(h -> assertThat(h).containsEntry("x-static", "fixed"));
      assertThat(receiver.spans()).hasSize(3);
    }
  }

  @Test
  void compression_gzip_isSentAndDecoded() {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      OtlpGrpcSpanExporter exporter = exporter(receiver.endpoint()).setCompression("gzip").build();
      try {
        assertThat(export(exporter, spans(2)).isSuccess()).isTrue();
      } finally {
        exporter.shutdown().join(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      }
      assertThat(receiver.requestHeaders()).hasSize(1);
      assertThat(receiver.requestHeaders().get(0)).containsEntry("grpc-encoding", "gzip");
      assertThat(receiver.spans().stream().map(ReceivedSpan::name)).containsExactly("op-0", "op-1");
    }
  }

  @Test
  void compression_none_sendsNoEncoding() {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      OtlpGrpcSpanExporter exporter = exporter(receiver.endpoint()).build();
      try {
        assertThat(export(exporter, spans(1)).isSuccess()).isTrue();
      } finally {
        exporter.shutdown().join(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      }
      assertThat(receiver.requestHeaders()).hasSize(1);
      assertThat(receiver.requestHeaders().get(0)).doesNotContainKey("grpc-encoding");
    }
  }

  @Test
  void mutualTls_withClientCertificate_delivers() {
    SelfSignedCertificate server = SelfSignedCertificate.generate();
    SelfSignedCertificate client = SelfSignedCertificate.generate();
    try (OtlpGrpcReceiver receiver =
        OtlpGrpcReceiver.startMutualTls(
            server.certificatePem(), server.privateKeyPem(), client.certificatePem())) {
      OtlpGrpcSpanExporter exporter =
          exporter(receiver.endpoint())
              .setTrustedCertificates(server.certificatePem())
              .setClientTls(client.privateKeyPem(), client.certificatePem())
              .build();
      try {
        assertThat(export(exporter, spans(2)).isSuccess()).isTrue();
      } finally {
        exporter.shutdown().join(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      }
      assertThat(receiver.spans()).hasSize(2);
    }
  }

  @Test
  void mutualTls_withoutClientCertificate_fails() {
    SelfSignedCertificate server = SelfSignedCertificate.generate();
    SelfSignedCertificate client = SelfSignedCertificate.generate();
    try (OtlpGrpcReceiver receiver =
        OtlpGrpcReceiver.startMutualTls(
            server.certificatePem(), server.privateKeyPem(), client.certificatePem())) {
      OtlpGrpcSpanExporter exporter =
          exporter(receiver.endpoint()).setTrustedCertificates(server.certificatePem()).build();
      try {
        assertThat(export(exporter, spans(1)).isSuccess()).isFalse();
      } finally {
        exporter.shutdown().join(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      }
      assertThat(receiver.attempts()).isZero();
      assertThat(receiver.spans()).isEmpty();
    }
  }

  @Test
  void tls_untrustedServer_fails() {
    SelfSignedCertificate server = SelfSignedCertificate.generate();
    SelfSignedCertificate other = SelfSignedCertificate.generate();
    try (OtlpGrpcReceiver receiver =
        OtlpGrpcReceiver.startTls(server.certificatePem(), server.privateKeyPem())) {
      OtlpGrpcSpanExporter exporter =
          exporter(receiver.endpoint()).setTrustedCertificates(other.certificatePem()).build();
      try {
        assertThat(export(exporter, spans(1)).isSuccess()).isFalse();
      } finally {
        exporter.shutdown().join(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      }
      assertThat(receiver.attempts()).isZero();
    }
  }

  @Test
  void timeout_hungReceiver_exportEndsWithinTheTimeoutEvenWithRetries() {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      receiver.setBehavior(ReceiverBehavior.HANG);
      OtlpGrpcSpanExporter exporter =
          exporter(receiver.endpoint())
              .setRetryPolicy(FAST_RETRY)
              .setTimeout(Duration.ofMillis(500))
              .build();
      try {
        long start = System.nanoTime();
        CompletableResultCode result = export(exporter, spans(1));
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(result.isDone()).isTrue();
        assertThat(result.isSuccess()).isFalse();
        assertThat(elapsedMillis).isBetween(400L, 1500L);
        assertThat(receiver.attempts()).isEqualTo(1); // the deadline left no time to retry
      } finally {
        receiver.setBehavior(ReceiverBehavior.ACCEPT);
        exporter.shutdown().join(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
  }

  @Test
  void shutdown_waitsForTheInFlightCallToFinish() {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      receiver.setAnswerDelay(Duration.ofMillis(800));
      OtlpGrpcSpanExporter exporter = exporter(receiver.endpoint()).build();
      CompletableResultCode exported = exporter.export(spans(1));
      Poll.until("the call arrived", WAIT, () -> receiver.attempts() == 1);
      CompletableResultCode shutdown = exporter.shutdown();
      assertThat(shutdown.isDone()).isFalse(); // returned at once, without blocking
      shutdown.join(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(shutdown.isSuccess()).isTrue();
      assertThat(exported.isDone()).isTrue();
      assertThat(exported.isSuccess()).isTrue(); // not cancelled by the channel shutdown
      assertThat(receiver.spans()).hasSize(1);
    }
  }

  /** How long a shutdown that must wait for a held answer is given to complete wrongly. */
  private static final Duration HELD_ANSWER_CHANCE = Duration.ofMillis(500);

  @Test
  void shutdown_completesOnlyAfterTheInFlightCallbackReturned() throws Exception {
    // The config's executor has one thread, held until released: the call's answer waits in its
    // queue after the call has closed, so the channel terminates before the callback has run.
    ExecutorService callbacks = Executors.newSingleThreadExecutor();
    CountDownLatch release = new CountDownLatch(1);
    callbacks.execute(
        () -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      GrpcJavaSender sender =
          GrpcJavaSender.create(
              new TestSenderConfig(receiver.endpoint(), null, 1024, callbacks));
      CompletableFuture<Object> outcome = send(sender);
      Poll.until("the call arrived", WAIT, () -> receiver.attempts() == 1);
      CompletableResultCode shutdown = sender.shutdown();
      Poll.until("the channel terminated", WAIT, () -> sender.channel().isTerminated());
      // A shutdown that went by the channel alone completes right after it terminates: give it
      // that chance (bounded), then it must still be waiting for the held answer.
      shutdown.join(HELD_ANSWER_CHANCE.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(outcome).isNotDone();
      assertThat(shutdown.isDone()).isFalse(); // the export has no answer yet
      release.countDown();
      shutdown.join(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(shutdown.isSuccess()).isTrue();
      assertThat(outcome).isCompleted(); // before shutdown's result, not after
      assertThat(((GrpcResponse) outcome.get()).getStatusCode()).isEqualTo(GrpcStatusCode.OK);
      assertThat(receiver.spans()).isEmpty(); // the request was empty
    } finally {
      release.countDown();
      callbacks.shutdownNow();
    }
  }

  @Test
  void shutdown_withAHandedChannel_waitsForTheCallbackAndLeavesTheChannelOpen() throws Exception {
    ExecutorService callbacks = Executors.newSingleThreadExecutor();
    CountDownLatch release = new CountDownLatch(1);
    callbacks.execute(
        () -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      TestSenderConfig config = new TestSenderConfig(receiver.endpoint(), null, 1024, callbacks);
      ManagedChannel handed = SenderChannels.create(config);
      try {
        GrpcJavaSender sender = new GrpcJavaSender(handed, /* ownsChannel= */ false, config);
        CompletableFuture<Object> outcome = send(sender);
        Poll.until("the call arrived", WAIT, () -> receiver.attempts() == 1);
        CompletableResultCode shutdown = sender.shutdown();
        assertThat(outcome).isNotDone();
        assertThat(shutdown.isDone()).isFalse(); // the export has no answer yet
        release.countDown();
        shutdown.join(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(shutdown.isSuccess()).isTrue();
        assertThat(outcome).isCompleted();
        assertThat(((GrpcResponse) outcome.get()).getStatusCode()).isEqualTo(GrpcStatusCode.OK);
        assertThat(handed.isShutdown()).isFalse(); // its owner's to close
      } finally {
        handed.shutdownNow();
      }
    } finally {
      release.countDown();
      callbacks.shutdownNow();
    }
  }

  @Test
  void send_afterShutdown_failsAtOnce() {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      GrpcJavaSender sender =
          GrpcJavaSender.create(new TestSenderConfig(receiver.endpoint(), null, 1024));
      sender.shutdown().join(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(sender.channel().isTerminated()).isTrue();
      CompletableFuture<Object> outcome = send(sender);
      assertThat(outcome).isCompletedExceptionally();
      assertThat(receiver.attempts()).isZero();
    }
  }

  @Test
  void create_connectsEagerlyWithoutACall() {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      GrpcJavaSender sender =
          GrpcJavaSender.create(new TestSenderConfig(receiver.endpoint(), null, 1024));
      try {
        Poll.until(
            "channel READY without any call",
            WAIT,
            () -> sender.channel().getState(false) == ConnectivityState.READY);
        assertThat(receiver.attempts()).isZero();
      } finally {
        sender.shutdown().join(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
  }

  @Test
  void send_inTransientFailure_resetsConnectBackoff_soTheCollectorIsReachedAtOnce() {
    OtlpGrpcReceiver first = OtlpGrpcReceiver.start();
    int port = first.port();
    first.close();
    GrpcJavaSender sender =
        GrpcJavaSender.create(new TestSenderConfig("http://127.0.0.1:" + port, null, 1024));
    try {
      Poll.until(
          "channel in TRANSIENT_FAILURE (connection refused)",
          WAIT,
          () -> sender.channel().getState(false) == ConnectivityState.TRANSIENT_FAILURE);
      // grpc-java now waits about 1 s (0.8-1.2 s) before reconnecting; a call meanwhile would fail
      // at once with UNAVAILABLE unless the sender resets the back-off.
      // The collector comes back on the port it left (the exporter points there); another
      // process may hold it for a moment: the bind is retried until the deadline.
      try (OtlpGrpcReceiver back =
          Poll.until("a receiver bound again on port " + port, WAIT,
              () -> OtlpGrpcReceiver.start(port), r -> true)) {
        CompletableFuture<Object> outcome = send(sender);
        Object response = outcome.join();
        assertThat(response).isInstanceOf(GrpcResponse.class);
        assertThat(((GrpcResponse) response).getStatusCode()).isEqualTo(GrpcStatusCode.OK);
        assertThat(back.attempts()).isEqualTo(1);
      }
    } finally {
      sender.shutdown().join(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  @Test
  void shutdown_noCallInFlight_isPromptEvenAfterARefusedCall() {
    OtlpGrpcReceiver gone = OtlpGrpcReceiver.start();
    int port = gone.port();
    gone.close();
    GrpcJavaSender sender =
        GrpcJavaSender.create(new TestSenderConfig("http://127.0.0.1:" + port, null, 1024));
    Poll.until(
        "channel in TRANSIENT_FAILURE",
        WAIT,
        () -> sender.channel().getState(false) == ConnectivityState.TRANSIENT_FAILURE);
    Object response = send(sender).join();
    assertThat(((GrpcResponse) response).getStatusCode()).isEqualTo(GrpcStatusCode.UNAVAILABLE);
    long start = System.nanoTime();
    CompletableResultCode shutdown =
        sender.shutdown().join(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(shutdown.isSuccess()).isTrue();
    assertThat(sender.channel().isTerminated()).isTrue();
    assertThat(elapsedMillis).isLessThan(GrpcJavaSender.SHUTDOWN_GRACE.toMillis() / 2);
  }

  @Test
  void response_underTheMaxSize_isHandedOverUnframed() throws Exception {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      String message = "x".repeat(200);
      receiver.setPartialSuccessMessage(message);
      GrpcJavaSender sender =
          GrpcJavaSender.create(new TestSenderConfig(receiver.endpoint(), null, 4L * 1024 * 1024));
      try {
        GrpcResponse response = (GrpcResponse) send(sender).join();
        assertThat(response.getStatusCode()).isEqualTo(GrpcStatusCode.OK);
        assertThat(
                ExportTraceServiceResponse.parseFrom(response.getResponseMessage())
                    .getPartialSuccess()
                    .getErrorMessage())
            .isEqualTo(message);
      } finally {
        sender.shutdown().join(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
  }

  @Test
  void response_overTheConfiguredMaxSize_failsTheCall() throws Exception {
    boolean spiHasMaxSize;
    try {
      io.opentelemetry.sdk.common.export.GrpcSenderConfig.class.getMethod("getMaxResponseBodySize");
      spiHasMaxSize = true;
    } catch (NoSuchMethodException e) {
      spiHasMaxSize = false; // 1.59, 1.60: the 4 MiB default applies
    }
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      receiver.setPartialSuccessMessage("x".repeat(200));
      GrpcJavaSender sender =
          GrpcJavaSender.create(new TestSenderConfig(receiver.endpoint(), null, 64));
      try {
        GrpcResponse response = (GrpcResponse) send(sender).join();
        assertThat(response.getStatusCode())
            .isEqualTo(spiHasMaxSize ? GrpcStatusCode.RESOURCE_EXHAUSTED : GrpcStatusCode.OK);
        assertThat(receiver.traceRequests()).hasSize(1); // the request itself arrived
      } finally {
        sender.shutdown().join(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
  }

  /** Sends one empty trace request; completes with the GrpcResponse or exceptionally. */
  private static CompletableFuture<Object> send(GrpcJavaSender sender) {
    byte[] body = ExportTraceServiceRequest.getDefaultInstance().toByteArray();
    MessageWriter writer =
        new MessageWriter() {
          @Override
          public void writeMessage(OutputStream output) throws IOException {
            output.write(body);
          }

          @Override
          public int getContentLength() {
            return body.length;
          }
        };
    CompletableFuture<Object> outcome = new CompletableFuture<>();
    sender.send(writer, outcome::complete, outcome::completeExceptionally);
    return outcome.orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }
}

package dev.perftrace.testing.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perftrace.testing.ClosedPort;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OtlpGrpcReceiverTest {

  private static ManagedChannel channel(int port) {
    return ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
  }

  private static void shutdown(ManagedChannel channel) throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void export_tracesAndMetrics_recordedWithHeaders() throws Exception {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      ManagedChannel channel = channel(receiver.port());
      try {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("x-tenant", Metadata.ASCII_STRING_MARSHALLER), "t1");
        TraceServiceGrpc.newBlockingStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .export(OtlpHttpReceiverTest.traces("op"));
        MetricsServiceGrpc.newBlockingStub(channel)
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .export(OtlpHttpReceiverTest.metrics("m"));
      } finally {
        shutdown(channel);
      }

      assertThat(receiver.spans()).hasSize(1);
      assertThat(receiver.spans().get(0).traceId()).isEqualTo(OtlpHttpReceiverTest.TRACE_ID);
      assertThat(receiver.spans().get(0).name()).isEqualTo("op");
      assertThat(receiver.metricNames()).containsExactly("m");
      assertThat(receiver.attempts()).isEqualTo(2);
      assertThat(receiver.requestHeaders()).hasSize(2);
      assertThat(receiver.requestHeaders().get(0)).containsEntry("x-tenant", "t1");
      assertThat(receiver.endpoint()).isEqualTo("http://127.0.0.1:" + receiver.port());
    }
  }

  @Test
  void failNext_oneCall_thatCodeThenAccepted() throws Exception {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      receiver.failNext(1, Status.Code.RESOURCE_EXHAUSTED);
      ManagedChannel channel = channel(receiver.port());
      try {
        TraceServiceGrpc.TraceServiceBlockingStub stub =
            TraceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> stub.export(OtlpHttpReceiverTest.traces("first")))
            .isInstanceOf(StatusRuntimeException.class)
            .extracting(e -> ((StatusRuntimeException) e).getStatus().getCode())
            .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        stub.export(OtlpHttpReceiverTest.traces("second"));
      } finally {
        shutdown(channel);
      }

      assertThat(receiver.spans()).extracting(ReceivedSpan::name).containsExactly("second");
      assertThat(receiver.attempts()).isEqualTo(2);
    }
  }

  @Test
  void partialSuccessMessage_onTheTraceAnswer() throws Exception {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      receiver.setPartialSuccessMessage("half");
      ManagedChannel channel = channel(receiver.port());
      try {
        ExportTraceServiceResponse response =
            TraceServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .export(OtlpHttpReceiverTest.traces("op"));
        assertThat(response.getPartialSuccess().getErrorMessage()).isEqualTo("half");
        assertThat(response.getPartialSuccess().getRejectedSpans()).isZero();
      } finally {
        shutdown(channel);
      }
    }
  }

  @Test
  void unavailable_callsFailWithUnavailableAndAreNotRecorded() throws Exception {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      receiver.setBehavior(ReceiverBehavior.UNAVAILABLE);
      ManagedChannel channel = channel(receiver.port());
      try {
        assertThatThrownBy(
                () ->
                    TraceServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .export(OtlpHttpReceiverTest.traces("op")))
            .isInstanceOf(StatusRuntimeException.class)
            .extracting(e -> ((StatusRuntimeException) e).getStatus().getCode())
            .isEqualTo(Status.Code.UNAVAILABLE);
      } finally {
        shutdown(channel);
      }
      assertThat(receiver.spans()).isEmpty();
      assertThat(receiver.attempts()).isEqualTo(1);
    }
  }

  @Test
  void takeOver_bindsTheHeldPort() throws Exception {
    ClosedPort held = ClosedPort.open();
    int port = held.port();
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.takeOver(held)) {
      assertThat(receiver.port()).isEqualTo(port);
      ManagedChannel channel = channel(port);
      try {
        TraceServiceGrpc.newBlockingStub(channel)
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .export(OtlpHttpReceiverTest.traces("back"));
      } finally {
        shutdown(channel);
      }
      assertThat(receiver.spans()).extracting(ReceivedSpan::name).containsExactly("back");
    }
  }
}

package dev.perftrace.exporter.otlp.internal.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Metadata;
import io.grpc.Status;
import io.opentelemetry.sdk.common.export.GrpcSenderConfig;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SenderChannelsTest {

  @Test
  void port_httpsWithoutPort_is443() {
    assertThat(SenderChannels.port(URI.create("https://collector.example"))).isEqualTo(443);
    assertThat(SenderChannels.port(URI.create("https://collector.example/"))).isEqualTo(443);
  }

  @Test
  void port_httpWithoutPort_is80() {
    assertThat(SenderChannels.port(URI.create("http://collector.example"))).isEqualTo(80);
  }

  @Test
  void port_explicitPort_isKept() {
    assertThat(SenderChannels.port(URI.create("https://collector.example:4317"))).isEqualTo(4317);
    assertThat(SenderChannels.port(URI.create("http://127.0.0.1:4317"))).isEqualTo(4317);
  }

  @Test
  void maxResponseBytes_fromConfigWhereTheSpiHasIt_elseFourMebibytes() {
    boolean spiHasIt;
    try {
      GrpcSenderConfig.class.getMethod("getMaxResponseBodySize");
      spiHasIt = true;
    } catch (NoSuchMethodException e) {
      spiHasIt = false;
    }
    long expected = spiHasIt ? 12_345L : 4L * 1024 * 1024;
    assertThat(SenderChannels.maxResponseBytes(new TestSenderConfig("http://h:1", null, 12_345L)))
        .isEqualTo(expected);
  }

  @Test
  void backoff_isExponentialCappedAndJittered() {
    RetryPolicy policy =
        RetryPolicy.builder()
            .setInitialBackoff(Duration.ofMillis(100))
            .setMaxBackoff(Duration.ofMillis(300))
            .setBackoffMultiplier(2.0)
            .build();
    assertThat(GrpcJavaSender.backoffNanos(policy, 1, 1.0)).isEqualTo(100_000_000L);
    assertThat(GrpcJavaSender.backoffNanos(policy, 2, 1.0)).isEqualTo(200_000_000L);
    assertThat(GrpcJavaSender.backoffNanos(policy, 3, 1.0)).isEqualTo(300_000_000L); // capped
    assertThat(GrpcJavaSender.backoffNanos(policy, 2, 0.5)).isEqualTo(100_000_000L); // jitter
    assertThat(GrpcJavaSender.backoffNanos(policy, 1, 0.0)).isZero();
  }

  @Test
  void retryable_otlpCodes_butNotInvalidArgumentNorPlainResourceExhausted() {
    assertThat(GrpcJavaSender.isRetryable(Status.UNAVAILABLE, new Metadata())).isTrue();
    assertThat(GrpcJavaSender.isRetryable(Status.DEADLINE_EXCEEDED, new Metadata())).isTrue();
    assertThat(GrpcJavaSender.isRetryable(Status.INVALID_ARGUMENT, new Metadata())).isFalse();
    assertThat(GrpcJavaSender.isRetryable(Status.UNAUTHENTICATED, new Metadata())).isFalse();
    assertThat(GrpcJavaSender.isRetryable(Status.RESOURCE_EXHAUSTED, new Metadata())).isFalse();
  }

  @Test
  void retryable_resourceExhaustedWithRetryInfo() {
    Metadata trailers = new Metadata();
    trailers.put(
        Metadata.Key.of("grpc-status-details-bin", Metadata.BINARY_BYTE_MARSHALLER),
        ("\u0008\u0008\u001a\u0030type.googleapis.com/google.rpc.RetryInfo")
            .getBytes(StandardCharsets.ISO_8859_1));
    assertThat(GrpcJavaSender.isRetryable(Status.RESOURCE_EXHAUSTED, trailers)).isTrue();
  }
}

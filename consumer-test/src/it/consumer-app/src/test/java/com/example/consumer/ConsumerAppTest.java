package com.example.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perftrace.testing.otlp.OtlpGrpcReceiver;
import dev.perftrace.testing.otlp.OtlpHttpReceiver;
import dev.perftrace.testing.otlp.ReceivedSpan;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConsumerAppTest {

  private static final int COUNT = 25;

  private static void assertSpans(List<ReceivedSpan> spans) {
    assertThat(spans).hasSize(COUNT);
    Set<String> indexes = new HashSet<>();
    for (ReceivedSpan span : spans) {
      assertThat(span.name()).isEqualTo("consumer.get");
      assertThat(span.scopeName()).isEqualTo("com.example.consumer");
      assertThat(span.attribute("perftrace.operation.name")).isEqualTo("consumer.get");
      assertThat(span.resourceAttributes()).containsEntry("service.name", "consumer-app");
      int index = Integer.parseInt(span.attribute("consumer.index"));
      assertThat(span.attribute("perftrace.bytes.sent")).isEqualTo(String.valueOf(100 + index));
      indexes.add(span.attribute("consumer.index"));
    }
    assertThat(indexes).hasSize(COUNT);
  }

  @Test
  void otlpGrpc_everyOperationArrivesWithItsAttributes() {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      ConsumerApp.run(
          Map.of("otel.exporter.otlp.endpoint", receiver.endpoint(),
              "otel.metrics.exporter", "none"),
          COUNT);
      assertSpans(receiver.spans());
    }
  }

  @Test
  void otlpHttp_everyOperationArrivesWithItsAttributes() {
    try (OtlpHttpReceiver receiver = OtlpHttpReceiver.start()) {
      ConsumerApp.run(
          Map.of("otel.exporter.otlp.endpoint", receiver.endpoint(),
              "otel.exporter.otlp.protocol", "http/protobuf",
              "otel.metrics.exporter", "none"),
          COUNT);
      assertSpans(receiver.spans());
    }
  }
}

package dev.perftrace.testing.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OtlpHttpReceiverTest {

  static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
  static final String SPAN_ID = "b7ad6b7169203331";

  private final OtlpHttpReceiver receiver = OtlpHttpReceiver.start();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @AfterEach
  void tearDown() {
    receiver.close();
  }

  static ExportTraceServiceRequest traces(String spanName) {
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(
            ResourceSpans.newBuilder()
                .setResource(
                    io.opentelemetry.proto.resource.v1.Resource.newBuilder()
                        .addAttributes(attribute("service.name", "svc")))
                .addScopeSpans(
                    ScopeSpans.newBuilder()
                        .setScope(
                            io.opentelemetry.proto.common.v1.InstrumentationScope.newBuilder()
                                .setName("scope-a"))
                        .addSpans(
                            Span.newBuilder()
                                .setTraceId(ByteString.copyFrom(HexFormat.of().parseHex(TRACE_ID)))
                                .setSpanId(ByteString.copyFrom(HexFormat.of().parseHex(SPAN_ID)))
                                .setName(spanName)
                                .addAttributes(attribute("k", "v")))))
        .build();
  }

  static ExportMetricsServiceRequest metrics(String name) {
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(
            ResourceMetrics.newBuilder()
                .addScopeMetrics(
                    ScopeMetrics.newBuilder()
                        .addMetrics(
                            Metric.newBuilder()
                                .setName(name)
                                .setGauge(
                                    Gauge.newBuilder()
                                        .addDataPoints(NumberDataPoint.newBuilder().setAsInt(7))))))
        .build();
  }

  private static KeyValue attribute(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  private HttpResponse<byte[]> post(String path, String contentType, byte[] body, String encoding)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(receiver.endpoint() + path))
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    if (encoding != null) {
      request.header("Content-Encoding", encoding);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void postTraces_protobuf_recordedWithIdsNamesAndAttributes() throws Exception {
    HttpResponse<byte[]> response =
        post("/v1/traces", "application/x-protobuf", traces("op").toByteArray(), null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(receiver.traceRequests()).containsExactly(traces("op"));
    List<ReceivedSpan> spans = receiver.spans();
    assertThat(spans).hasSize(1);
    ReceivedSpan span = spans.get(0);
    assertThat(span.traceId()).isEqualTo(TRACE_ID);
    assertThat(span.spanId()).isEqualTo(SPAN_ID);
    assertThat(span.name()).isEqualTo("op");
    assertThat(span.scopeName()).isEqualTo("scope-a");
    assertThat(span.attributes()).containsExactly(java.util.Map.entry("k", "v"));
    assertThat(span.resourceAttributes()).containsExactly(java.util.Map.entry("service.name", "svc"));
    assertThat(receiver.attempts()).isEqualTo(1);
    assertThat(receiver.requestHeaders()).hasSize(1);
    assertThat(receiver.requestHeaders().get(0))
        .containsEntry("content-type", "application/x-protobuf");
  }

  @Test
  void postMetrics_gzip_decodedAndRecorded() throws Exception {
    ByteArrayOutputStream zipped = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(zipped)) {
      out.write(metrics("queue.depth").toByteArray());
    }

    HttpResponse<byte[]> response =
        post("/v1/metrics", "application/x-protobuf", zipped.toByteArray(), "gzip");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(receiver.metricNames()).containsExactly("queue.depth");
    assertThat(receiver.metrics()).hasSize(1);
    assertThat(receiver.metrics().get(0).getGauge().getDataPoints(0).getAsInt()).isEqualTo(7);
    assertThat(receiver.traceRequests()).isEmpty();
  }

  @Test
  void post_contentTypeWithParameters_accepted() throws Exception {
    HttpResponse<byte[]> response =
        post("/v1/traces", "Application/X-Protobuf; charset=binary", traces("op").toByteArray(), null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(receiver.spans()).hasSize(1);
  }

  @Test
  void post_jsonContentType_unsupportedMediaTypeAndNothingRecorded() throws Exception {
    HttpResponse<byte[]> response =
        post("/v1/traces", "application/json", traces("op").toByteArray(), null);

    assertThat(response.statusCode()).isEqualTo(415);
    assertThat(receiver.traceRequests()).isEmpty();
    assertThat(receiver.attempts()).isEqualTo(1);
  }

  @Test
  void post_noContentType_unsupportedMediaType() throws Exception {
    HttpResponse<byte[]> response = post("/v1/metrics", null, metrics("m").toByteArray(), null);

    assertThat(response.statusCode()).isEqualTo(415);
    assertThat(receiver.metricRequests()).isEmpty();
  }

  @Test
  void post_bodyThatDoesNotParse_badRequest() throws Exception {
    HttpResponse<byte[]> response =
        post("/v1/traces", "application/x-protobuf", new byte[] {(byte) 0xff, 0x01}, null);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(receiver.traceRequests()).isEmpty();
  }

  @Test
  void get_methodNotAllowed() throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(receiver.endpoint() + "/v1/traces")).GET().build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(receiver.traceRequests()).isEmpty();
  }

  @Test
  void unavailable_answers503UntilAcceptAgain() throws Exception {
    receiver.setBehavior(ReceiverBehavior.UNAVAILABLE);
    assertThat(post("/v1/traces", "application/x-protobuf", traces("a").toByteArray(), null)
            .statusCode())
        .isEqualTo(503);
    receiver.setBehavior(ReceiverBehavior.ACCEPT);
    assertThat(post("/v1/traces", "application/x-protobuf", traces("b").toByteArray(), null)
            .statusCode())
        .isEqualTo(200);

    assertThat(receiver.spans()).extracting(ReceivedSpan::name).containsExactly("b");
    assertThat(receiver.attempts()).isEqualTo(2);
    receiver.clear();
    assertThat(receiver.spans()).isEmpty();
  }

  @Test
  void isProtobuf_mediaTypeOnly() {
    assertThat(OtlpHttpReceiver.isProtobuf("application/x-protobuf")).isTrue();
    assertThat(OtlpHttpReceiver.isProtobuf(" application/x-protobuf ;a=b")).isTrue();
    assertThat(OtlpHttpReceiver.isProtobuf("application/x-protobuffer")).isFalse();
    assertThat(OtlpHttpReceiver.isProtobuf("application/json")).isFalse();
    assertThat(OtlpHttpReceiver.isProtobuf(null)).isFalse();
  }
}

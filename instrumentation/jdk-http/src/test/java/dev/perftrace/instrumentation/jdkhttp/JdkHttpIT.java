package dev.perftrace.instrumentation.jdkhttp;

import static dev.perftrace.instrumentation.jdkhttp.HttpTelemetry.span;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.perftrace.CorrelationScope;
import dev.perftrace.Operation;
import dev.perftrace.PerfAttributes;
import dev.perftrace.PerfTracer;
import dev.perftrace.testing.Poll;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real JDK {@link HttpServer} with {@link PerfTraceHttpFilter} on an ephemeral loopback port and
 * a real JDK {@link HttpClient} wrapped by {@link PerfTraceHttpClient}, over one real SDK.
 */
@SuppressWarnings("try") // scopes held open for their side effect
class JdkHttpIT {
  static final String CLIENT_SCOPE = "test.client";
  static final String SERVER_SCOPE = "test.server";
  static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
  static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
  static final AttributeKey<String> URL_FULL = AttributeKey.stringKey("url.full");
  static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
  static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
  static final AttributeKey<String> URL_QUERY = AttributeKey.stringKey("url.query");
  static final AttributeKey<String> URL_SCHEME = AttributeKey.stringKey("url.scheme");
  static final AttributeKey<String> PROTOCOL = AttributeKey.stringKey("network.protocol.version");
  static final AttributeKey<String> CLIENT_ADDRESS = AttributeKey.stringKey("client.address");

  private final HttpTelemetry telemetry = new HttpTelemetry();
  private final PerfTracer clientTracer = PerfTracer.create(telemetry.sdk, CLIENT_SCOPE);
  private final PerfTracer serverTracer = PerfTracer.create(telemetry.sdk, SERVER_SCOPE);
  private final ExecutorService serverThreads = Executors.newFixedThreadPool(4);
  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicReference<Boolean> spanAfterChain = new AtomicReference<>();
  private HttpServer server;
  private HttpClient raw;
  private HttpClient client;
  private String base;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(serverThreads);
    PerfTraceHttpFilter filter = PerfTraceHttpFilter.create(serverTracer);
    context("/data", filter, JdkHttpIT::data);
    context("/echo", filter, JdkHttpIT::echo);
    context("/chunked", filter, JdkHttpIT::chunked);
    context("/fail", filter, exchange -> {
      exchange.getRequestBody().readAllBytes();
      throw new IllegalStateException("handler failed");
    });
    context("/slow", filter, exchange -> {
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      respond(exchange, 200, bytes(10));
    });
    server.createContext("/restore", JdkHttpIT::data).getFilters()
        .addAll(List.of(new Filter() {
          @Override
          public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
            chain.doFilter(exchange);
            spanAfterChain.set(Span.current().getSpanContext().isValid());
          }

          @Override
          public String description() {
            return "checks the context after the chain";
          }
        }, filter));
    server.createContext("/aside", JdkHttpIT::echo).getFilters()
        .addAll(List.of(new OuterServerSpanFilter(telemetry), filter));
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
    raw = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    client = PerfTraceHttpClient.wrap(raw, clientTracer);
  }

  @AfterEach
  void stop() {
    release.countDown();
    server.stop(0);
    serverThreads.shutdownNow();
    telemetry.close();
  }

  private void context(String path, Filter filter, HttpHandler handler) {
    server.createContext(path, handler).getFilters().add(filter);
  }

  // ---- handlers ------------------------------------------------------------------------------

  /** GET /data/{size}?status=N: N (default 200) with size bytes, fixed length. */
  private static void data(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    int size = Integer.parseInt(path.substring(path.lastIndexOf('/') + 1));
    String query = exchange.getRequestURI().getQuery();
    int status = query == null ? 200 : Integer.parseInt(query.substring("status=".length()));
    respond(exchange, status, bytes(size));
  }

  /** POST /echo: the request body back, fixed length. */
  private static void echo(HttpExchange exchange) throws IOException {
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readAllBytes();
    }
    respond(exchange, 200, body);
  }

  /** POST /chunked: the request body back three times, chunked, in small writes. */
  private static void chunked(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    exchange.sendResponseHeaders(200, 0);
    try (OutputStream out = exchange.getResponseBody()) {
      for (int i = 0; i < 3; i++) {
        for (int off = 0; off < body.length; off += 1000) {
          out.write(body, off, Math.min(1000, body.length - off));
          out.flush();
        }
      }
    }
  }

  private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  static byte[] bytes(int size) {
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      b[i] = (byte) (i * 7);
    }
    return b;
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
  }

  private static Attributes transfer(String direction, String source) {
    return Attributes.of(
        PerfAttributes.NETWORK_IO_DIRECTION, direction, PerfAttributes.TRANSFER_SOURCE, source);
  }

  private static Attributes outcome(String name, String outcome, String errorType) {
    return errorType == null
        ? Attributes.of(
            PerfAttributes.OPERATION_NAME, name, PerfAttributes.OPERATION_OUTCOME, outcome)
        : Attributes.of(
            PerfAttributes.OPERATION_NAME, name,
            PerfAttributes.OPERATION_OUTCOME, outcome,
            PerfAttributes.ERROR_TYPE, errorType);
  }

  private long durationCount(String scope, Attributes attributes) {
    HistogramPointData point =
        telemetry.histograms(scope, "perftrace.operation.duration").get(attributes);
    return point == null ? 0 : point.getCount();
  }

  // ---- tests ---------------------------------------------------------------------------------

  @Test
  void send_insideOperation_clientAndServerSpansAreParentAndChildInOneTrace() throws Exception {
    HttpResponse<byte[]> response;
    try (Operation app = clientTracer.start("app")) {
      response = client.send(request("/data/100").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(bytes(100));

    List<SpanData> spans = telemetry.awaitSpans(3);
    SpanData app = span(spans, "app");
    SpanData clientSpan = span(spans, "GET");
    SpanData serverSpan = span(spans, "GET /data");
    assertThat(spans).extracting(SpanData::getTraceId).containsOnly(app.getTraceId());
    assertThat(clientSpan.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(clientSpan.getParentSpanId()).isEqualTo(app.getSpanId());
    assertThat(serverSpan.getKind()).isEqualTo(SpanKind.SERVER);
    assertThat(serverSpan.getParentSpanId()).isEqualTo(clientSpan.getSpanId());
    assertThat(serverSpan.getParentSpanContext().isRemote()).isTrue();
    assertThat(clientSpan.getInstrumentationScopeInfo().getName()).isEqualTo(CLIENT_SCOPE);
    assertThat(serverSpan.getInstrumentationScopeInfo().getName()).isEqualTo(SERVER_SCOPE);
  }

  @Test
  void send_clientSpan_hasHttpSemanticConventionAttributes() throws Exception {
    client.send(request("/data/5").GET().build(), HttpResponse.BodyHandlers.discarding());

    SpanData clientSpan = span(telemetry.awaitSpans(2), "GET");
    Attributes a = clientSpan.getAttributes();
    assertThat(a.get(METHOD)).isEqualTo("GET");
    assertThat(a.get(URL_FULL)).isEqualTo(base + "/data/5");
    assertThat(a.get(SERVER_ADDRESS)).isEqualTo("127.0.0.1");
    assertThat(a.get(SERVER_PORT)).isEqualTo((long) server.getAddress().getPort());
    assertThat(a.get(STATUS)).isEqualTo(200L);
    assertThat(a.get(PROTOCOL)).isEqualTo("1.1");
    assertThat(clientSpan.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
  }

  @Test
  void send_serverSpan_hasHttpSemanticConventionAttributes() throws Exception {
    client.send(request("/data/5?status=200").GET().build(), HttpResponse.BodyHandlers.discarding());

    SpanData serverSpan = span(telemetry.awaitSpans(2), "GET /data");
    Attributes a = serverSpan.getAttributes();
    assertThat(a.get(METHOD)).isEqualTo("GET");
    assertThat(a.get(ROUTE)).isEqualTo("/data");
    assertThat(a.get(URL_PATH)).isEqualTo("/data/5");
    assertThat(a.get(URL_QUERY)).isEqualTo("status=200");
    assertThat(a.get(URL_SCHEME)).isEqualTo("http");
    assertThat(a.get(PROTOCOL)).isEqualTo("1.1");
    assertThat(a.get(CLIENT_ADDRESS)).isEqualTo("127.0.0.1");
    assertThat(a.get(STATUS)).isEqualTo(200L);
  }

  @Test
  void send_insideCorrelation_carriesTheIdToTheServer() throws Exception {
    try (CorrelationScope scope = clientTracer.correlate("corr-77")) {
      client.send(request("/data/1").GET().build(), HttpResponse.BodyHandlers.discarding());
    }

    List<SpanData> spans = telemetry.awaitSpans(2);
    assertThat(spans)
        .extracting(s -> s.getAttributes().get(PerfAttributes.CORRELATION_ID))
        .containsExactly("corr-77", "corr-77");
  }

  @Test
  void send_withoutCorrelation_serverGeneratesOne() throws Exception {
    client.send(request("/data/1").GET().build(), HttpResponse.BodyHandlers.discarding());

    SpanData serverSpan = span(telemetry.awaitSpans(2), "GET /data");
    assertThat(serverSpan.getAttributes().get(PerfAttributes.CORRELATION_ID))
        .matches("[A-Za-z0-9._:-]{1,128}");
  }

  @Test
  void send_fixedLengthBodies_countsExactBytesEachWayOnBothSides() throws Exception {
    HttpResponse<byte[]> response =
        client.send(
            request("/echo").POST(HttpRequest.BodyPublishers.ofByteArray(bytes(30_000))).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.body()).isEqualTo(bytes(30_000));

    List<SpanData> spans = telemetry.awaitSpans(2);
    String authority = "127.0.0.1:" + server.getAddress().getPort();
    assertThat(telemetry.longSums(CLIENT_SCOPE, "perftrace.transfer.io"))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(transfer("transmit", authority), 30_000L, transfer("receive", authority), 30_000L));
    assertThat(telemetry.longSums(SERVER_SCOPE, "perftrace.transfer.io"))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(transfer("receive", "/echo"), 30_000L, transfer("transmit", "/echo"), 30_000L));
    SpanData clientSpan = span(spans, "POST");
    SpanData serverSpan = span(spans, "POST /echo");
    assertThat(clientSpan.getAttributes().get(PerfAttributes.BYTES_SENT)).isEqualTo(30_000L);
    assertThat(clientSpan.getAttributes().get(PerfAttributes.BYTES_RECEIVED)).isEqualTo(30_000L);
    assertThat(serverSpan.getAttributes().get(PerfAttributes.BYTES_SENT)).isEqualTo(30_000L);
    assertThat(serverSpan.getAttributes().get(PerfAttributes.BYTES_RECEIVED)).isEqualTo(30_000L);
    HistogramPointData size =
        telemetry.histograms(CLIENT_SCOPE, "perftrace.transfer.size")
            .get(transfer("receive", authority));
    assertThat(size.getCount()).isEqualTo(1);
    assertThat(size.getSum()).isEqualTo(30_000);
  }

  @Test
  void send_chunkedBodies_countsExactBytesEachWay() throws Exception {
    // ofInputStream has no known length: the client sends it chunked; the server answers chunked
    HttpResponse<byte[]> response =
        client.send(
            request("/chunked")
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                    () -> new ByteArrayInputStream(bytes(7_000))))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.body()).hasSize(21_000);
    assertThat(response.headers().firstValue("Transfer-Encoding")).contains("chunked");

    List<SpanData> spans = telemetry.awaitSpans(2);
    SpanData clientSpan = span(spans, "POST");
    SpanData serverSpan = span(spans, "POST /chunked");
    assertThat(clientSpan.getAttributes().get(PerfAttributes.BYTES_SENT)).isEqualTo(7_000L);
    assertThat(clientSpan.getAttributes().get(PerfAttributes.BYTES_RECEIVED)).isEqualTo(21_000L);
    assertThat(serverSpan.getAttributes().get(PerfAttributes.BYTES_RECEIVED)).isEqualTo(7_000L);
    assertThat(serverSpan.getAttributes().get(PerfAttributes.BYTES_SENT)).isEqualTo(21_000L);
  }

  @Test
  void send_noBody_countsNothingAndRecordsNoByteTotals() throws Exception {
    HttpResponse<Void> response =
        client.send(request("/data/0?status=204").GET().build(), HttpResponse.BodyHandlers.discarding());
    assertThat(response.statusCode()).isEqualTo(204);

    List<SpanData> spans = telemetry.awaitSpans(2);
    assertThat(span(spans, "GET").getAttributes().get(PerfAttributes.BYTES_RECEIVED)).isNull();
    assertThat(span(spans, "GET").getAttributes().get(STATUS)).isEqualTo(204L);
    assertThat(span(spans, "GET /data").getAttributes().get(PerfAttributes.BYTES_SENT)).isNull();
    assertThat(telemetry.longSums(CLIENT_SCOPE, "perftrace.transfer.io")).isEmpty();
    assertThat(telemetry.longSums(SERVER_SCOPE, "perftrace.transfer.io")).isEmpty();
  }

  @Test
  void send_404_isSuccessByDefaultOnBothSides() throws Exception {
    HttpResponse<String> response =
        client.send(request("/data/3?status=404").GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(404);

    List<SpanData> spans = telemetry.awaitSpans(2);
    assertThat(spans).extracting(s -> s.getStatus().getStatusCode()).containsOnly(StatusCode.UNSET);
    assertThat(span(spans, "GET").getAttributes().get(STATUS)).isEqualTo(404L);
    assertThat(durationCount(CLIENT_SCOPE, outcome("GET", "success", null))).isEqualTo(1);
    assertThat(durationCount(SERVER_SCOPE, outcome("GET /data", "success", null))).isEqualTo(1);
  }

  @Test
  void send_404_withFailOn4xx_failsWithTheStatusAsErrorType() throws Exception {
    HttpClient strict = PerfTraceHttpClient.builder(raw, clientTracer).setFailOn4xx(true).build();

    strict.send(request("/data/3?status=404").GET().build(), HttpResponse.BodyHandlers.ofString());

    SpanData clientSpan = span(telemetry.awaitSpans(2), "GET");
    assertThat(clientSpan.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(clientSpan.getAttributes().get(PerfAttributes.ERROR_TYPE)).isEqualTo("404");
    assertThat(durationCount(CLIENT_SCOPE, outcome("GET", "error", "404"))).isEqualTo(1);
  }

  @Test
  void send_500_failsBothSidesWithTheStatusAsErrorType() throws Exception {
    HttpResponse<byte[]> response =
        client.send(request("/data/12?status=500").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.body()).hasSize(12);

    List<SpanData> spans = telemetry.awaitSpans(2);
    assertThat(spans).extracting(s -> s.getStatus().getStatusCode()).containsOnly(StatusCode.ERROR);
    assertThat(spans)
        .extracting(s -> s.getAttributes().get(PerfAttributes.ERROR_TYPE))
        .containsOnly("500");
    assertThat(durationCount(CLIENT_SCOPE, outcome("GET", "error", "500"))).isEqualTo(1);
    assertThat(durationCount(SERVER_SCOPE, outcome("GET /data", "error", "500"))).isEqualTo(1);
  }

  @Test
  void send_handlerThrows_serverFailsWithTheExceptionAndClientSeesTheTransportError() {
    assertThatThrownBy(
            () ->
                client.send(
                    request("/fail").POST(HttpRequest.BodyPublishers.ofString("abc")).build(),
                    HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(IOException.class);

    List<SpanData> spans = telemetry.awaitSpans(2);
    SpanData serverSpan = span(spans, "POST /fail");
    assertThat(serverSpan.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(serverSpan.getAttributes().get(PerfAttributes.ERROR_TYPE))
        .isEqualTo(IllegalStateException.class.getName());
    assertThat(serverSpan.getAttributes().get(PerfAttributes.BYTES_RECEIVED)).isEqualTo(3L);
    assertThat(serverSpan.getAttributes().get(STATUS)).isNull();
    SpanData clientSpan = span(spans, "POST");
    assertThat(clientSpan.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(clientSpan.getAttributes().get(PerfAttributes.ERROR_TYPE)).isEqualTo(IOException.class.getName());
  }

  @Test
  void send_connectionRefused_throwsTheTransportErrorUnchanged() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + closedPort + "/x")).build();

    assertThatThrownBy(() -> client.send(request, HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(ConnectException.class);

    SpanData clientSpan = span(telemetry.awaitSpans(1), "GET");
    assertThat(clientSpan.getAttributes().get(PerfAttributes.ERROR_TYPE))
        .isEqualTo(ConnectException.class.getName());
    assertThat(clientSpan.getAttributes().get(STATUS)).isNull();
  }

  @Test
  void sendAsync_endsTheOperationBeforeTheFutureCompletes() throws Exception {
    CompletableFuture<HttpResponse<byte[]>> future;
    try (Operation app = clientTracer.start("app")) {
      future = client.sendAsync(request("/data/2000").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }
    HttpResponse<byte[]> response = future.get(10, TimeUnit.SECONDS);
    assertThat(response.body()).hasSize(2000);
    List<SpanData> clientSide =
        telemetry.spans.getFinishedSpanItems().stream()
            .filter(s -> s.getInstrumentationScopeInfo().getName().equals(CLIENT_SCOPE))
            .toList();
    assertThat(clientSide).extracting(SpanData::getName).containsExactlyInAnyOrder("app", "GET");

    List<SpanData> spans = telemetry.awaitSpans(3);
    assertThat(span(spans, "GET").getParentSpanId()).isEqualTo(span(spans, "app").getSpanId());
    assertThat(span(spans, "GET /data").getParentSpanId()).isEqualTo(span(spans, "GET").getSpanId());
    assertThat(span(spans, "GET").getAttributes().get(PerfAttributes.BYTES_RECEIVED)).isEqualTo(2000L);
  }

  @Test
  void sendAsync_cancelled_cancelsTheExchangeAndRecordsCancelled() throws Exception {
    CompletableFuture<HttpResponse<String>> future =
        client.sendAsync(request("/slow").GET().build(), HttpResponse.BodyHandlers.ofString());

    assertThat(future.cancel(true)).isTrue();
    assertThatThrownBy(future::join).isInstanceOf(CancellationException.class);

    SpanData clientSpan =
        Poll.until(
            "the client span",
            Duration.ofSeconds(10),
            () -> telemetry.spans.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals("GET")).toList(),
            list -> !list.isEmpty()).get(0);
    assertThat(clientSpan.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(durationCount(CLIENT_SCOPE, outcome("GET", "cancelled", null))).isEqualTo(1);
    release.countDown();
  }

  @Test
  void sendAsync_connectionRefused_completesExceptionallyWithTheTransportError() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + closedPort + "/x")).build();

    CompletableFuture<HttpResponse<String>> future =
        client.sendAsync(request, HttpResponse.BodyHandlers.ofString());

    assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(ConnectException.class);
    assertThat(span(telemetry.awaitSpans(1), "GET").getAttributes().get(PerfAttributes.ERROR_TYPE))
        .isEqualTo(ConnectException.class.getName());
  }

  @Test
  void send_streamedBody_operationEndsWhenTheBodyIsReadToTheEnd() throws Exception {
    HttpResponse<InputStream> response =
        client.send(request("/data/50000").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
    // the server's span may end; the client's must not before its body is consumed
    Poll.until(
        "the server span",
        Duration.ofSeconds(10),
        () -> telemetry.spans.getFinishedSpanItems().size() == 1);
    assertThat(telemetry.spans.getFinishedSpanItems()).extracting(SpanData::getName)
        .containsExactly("GET /data");

    try (InputStream body = response.body()) {
      assertThat(body.readAllBytes()).hasSize(50_000);
    }

    SpanData clientSpan = span(telemetry.awaitSpans(2), "GET");
    assertThat(clientSpan.getAttributes().get(PerfAttributes.BYTES_RECEIVED)).isEqualTo(50_000L);
  }

  @Test
  void send_streamedBodyClosedEarly_endsTheOperation() throws Exception {
    HttpResponse<InputStream> response =
        client.send(request("/data/500000").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream body = response.body()) {
      assertThat(body.readNBytes(10)).hasSize(10);
    }

    SpanData clientSpan = span(telemetry.awaitSpans(2), "GET");
    assertThat(clientSpan.getAttributes().get(STATUS)).isEqualTo(200L);
    assertThat(clientSpan.getAttributes().get(PerfAttributes.BYTES_RECEIVED)).isPositive();
  }

  @Test
  void send_restoresTheCallersContext() throws Exception {
    try (Operation app = clientTracer.start("app")) {
      Span before = Span.current();
      client.send(request("/data/1").GET().build(), HttpResponse.BodyHandlers.discarding());
      assertThat(Span.current()).isSameAs(before);
    }
    assertThat(Span.current().getSpanContext().isValid()).isFalse();
  }

  @Test
  void filter_restoresTheServerThreadsContextAfterTheChain() throws Exception {
    client.send(request("/restore/4").GET().build(), HttpResponse.BodyHandlers.discarding());

    Poll.until("the outer filter ran", Duration.ofSeconds(10), () -> spanAfterChain.get() != null);
    assertThat(spanAfterChain.get()).isFalse();
  }

  @Test
  void filter_behindAnotherServerSpan_stepsAsideEnrichesItAndRecordsMetrics() throws Exception {
    try (CorrelationScope scope = clientTracer.correlate("corr-aside")) {
      client.send(
          request("/aside").POST(HttpRequest.BodyPublishers.ofByteArray(bytes(321))).build(),
          HttpResponse.BodyHandlers.ofByteArray());
    }

    List<SpanData> spans = telemetry.awaitSpans(2);
    SpanData outer = span(spans, OuterServerSpanFilter.NAME);
    assertThat(span(spans, "POST").getSpanId()).isEqualTo(outer.getParentSpanId());
    assertThat(outer.getAttributes().get(PerfAttributes.CORRELATION_ID)).isEqualTo("corr-aside");
    assertThat(outer.getAttributes().get(PerfAttributes.BYTES_RECEIVED)).isEqualTo(321L);
    assertThat(outer.getAttributes().get(PerfAttributes.BYTES_SENT)).isEqualTo(321L);
    assertThat(durationCount(SERVER_SCOPE, outcome("POST /aside", "success", null))).isEqualTo(1);
    assertThat(telemetry.longSums(SERVER_SCOPE, "perftrace.transfer.io"))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(transfer("receive", "/aside"), 321L, transfer("transmit", "/aside"), 321L));
  }

  @Test
  void filter_beforeAnOpenTelemetryFilter_stepsAsideWithMetricsOnly() throws Exception {
    server.createContext("/before", JdkHttpIT::data).getFilters()
        .addAll(List.of(PerfTraceHttpFilter.create(serverTracer),
            new io.opentelemetry.perftracetest.AfterFilter()));

    client.send(request("/before/6").GET().build(), HttpResponse.BodyHandlers.discarding());

    Poll.until(
        "the server's duration",
        Duration.ofSeconds(10),
        () -> durationCount(SERVER_SCOPE, outcome("GET /before", "success", null)) == 1);
    assertThat(telemetry.awaitSpans(1)).extracting(SpanData::getName).containsExactly("GET");
    assertThat(telemetry.longSums(SERVER_SCOPE, "perftrace.transfer.io"))
        .containsExactlyInAnyOrderEntriesOf(Map.of(transfer("transmit", "/before"), 6L));
  }

  @Test
  void filter_steppingAside_failingStatusIsTheStatusCodeOnTheMetric() throws Exception {
    server.createContext("/aside5xx", JdkHttpIT::data).getFilters()
        .addAll(List.of(PerfTraceHttpFilter.create(serverTracer),
            new io.opentelemetry.perftracetest.AfterFilter()));

    HttpResponse<Void> response =
        client.send(
            request("/aside5xx/4?status=503").GET().build(), HttpResponse.BodyHandlers.discarding());

    assertThat(response.statusCode()).isEqualTo(503);
    Poll.until(
        "the server's duration",
        Duration.ofSeconds(10),
        () -> durationCount(SERVER_SCOPE, outcome("GET /aside5xx", "error", "503")) == 1);
    assertThat(telemetry.histograms(SERVER_SCOPE, "perftrace.operation.duration").keySet())
        .containsExactly(outcome("GET /aside5xx", "error", "503"));
  }

  @Test
  void customSources_nameThePeersOfTheTransfers() throws Exception {
    HttpClient named = PerfTraceHttpClient.builder(raw, clientTracer).setSource(r -> "backend").build();
    named.send(request("/data/9").GET().build(), HttpResponse.BodyHandlers.discarding());

    telemetry.awaitSpans(2);
    assertThat(telemetry.longSums(CLIENT_SCOPE, "perftrace.transfer.io"))
        .containsExactlyInAnyOrderEntriesOf(Map.of(transfer("receive", "backend"), 9L));
  }

  @Test
  void customOperationNames_nameBothSides() throws Exception {
    HttpClient named =
        PerfTraceHttpClient.builder(raw, clientTracer).setOperationName(r -> "backend.call").build();
    server.createContext("/named", JdkHttpIT::data).getFilters()
        .add(PerfTraceHttpFilter.builder(serverTracer).setOperationName(e -> "serve.named").build());
    named.send(request("/named/3").GET().build(), HttpResponse.BodyHandlers.discarding());

    List<SpanData> spans = telemetry.awaitSpans(2);
    assertThat(spans).extracting(SpanData::getName)
        .containsExactlyInAnyOrder("backend.call", "serve.named");
    assertThat(durationCount(CLIENT_SCOPE, outcome("backend.call", "success", null))).isEqualTo(1);
    assertThat(durationCount(SERVER_SCOPE, outcome("serve.named", "success", null))).isEqualTo(1);
  }

  @Test
  void failingCallbacks_fallBackToTheDefaults() throws Exception {
    HttpClient odd =
        PerfTraceHttpClient.builder(raw, clientTracer)
            .setOperationName(r -> { throw new IllegalStateException("name"); })
            .setSource(r -> null)
            .build();
    server.createContext("/odd", JdkHttpIT::data).getFilters()
        .add(PerfTraceHttpFilter.builder(serverTracer)
            .setOperationName(e -> { throw new IllegalStateException("name"); })
            .setSource(e -> null)
            .build());
    odd.send(request("/odd/4").GET().build(), HttpResponse.BodyHandlers.discarding());

    List<SpanData> spans = telemetry.awaitSpans(2);
    assertThat(span(spans, "GET").getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(span(spans, "GET /odd").getKind()).isEqualTo(SpanKind.SERVER);
    assertThat(telemetry.longSums(SERVER_SCOPE, "perftrace.transfer.io"))
        .containsExactlyInAnyOrderEntriesOf(Map.of(transfer("transmit", "/odd"), 4L));
    assertThat(telemetry.longSums(CLIENT_SCOPE, "perftrace.transfer.io"))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(transfer("receive", "127.0.0.1:" + server.getAddress().getPort()), 4L));
  }

  @Test
  void unknownMethod_isOtherWithTheOriginalKept() throws Exception {
    client.send(
        request("/data/2").method("PURGE", HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.discarding());

    List<SpanData> spans = telemetry.awaitSpans(2);
    AttributeKey<String> original = AttributeKey.stringKey("http.request.method_original");
    assertThat(span(spans, "HTTP").getAttributes().get(METHOD)).isEqualTo("_OTHER");
    assertThat(span(spans, "HTTP").getAttributes().get(original)).isEqualTo("PURGE");
    assertThat(span(spans, "HTTP /data").getAttributes().get(METHOD)).isEqualTo("_OTHER");
    assertThat(span(spans, "HTTP /data").getAttributes().get(original)).isEqualTo("PURGE");
  }

  @Test
  void wrappedClient_delegatesItsSettings() {
    HttpClient configured =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(3))
            .build();
    HttpClient wrapped = PerfTraceHttpClient.wrap(configured, clientTracer);
    assertThat(wrapped.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    assertThat(wrapped.followRedirects()).isEqualTo(HttpClient.Redirect.NORMAL);
    assertThat(wrapped.connectTimeout()).contains(Duration.ofSeconds(3));
    assertThat(wrapped.sslContext()).isSameAs(configured.sslContext());
    assertThat(wrapped.executor()).isEqualTo(configured.executor());
    assertThat(wrapped.proxy()).isEqualTo(configured.proxy());
  }

  @Test
  void nullArguments_throwNamingTheParameter() {
    assertThatThrownBy(() -> PerfTraceHttpClient.wrap(null, clientTracer)).hasMessage("client");
    assertThatThrownBy(() -> PerfTraceHttpClient.wrap(raw, null)).hasMessage("tracer");
    assertThatThrownBy(() -> PerfTraceHttpClient.builder(raw, clientTracer).setSource(null))
        .hasMessage("source");
    assertThatThrownBy(() -> PerfTraceHttpFilter.create(null)).hasMessage("tracer");
    assertThatThrownBy(() -> PerfTraceHttpFilter.builder(serverTracer).setSource(null))
        .hasMessage("source");
    assertThatThrownBy(() -> PerfTraceHttpClient.builder(raw, clientTracer).setOperationName(null))
        .hasMessage("operationName");
    assertThatThrownBy(() -> PerfTraceHttpFilter.builder(serverTracer).setOperationName(null))
        .hasMessage("operationName");
  }

  /** Stands for the agent's filter: a raw OpenTelemetry server span, current for the chain. */
  static final class OuterServerSpanFilter extends Filter {
    static final String NAME = "outer server span";
    private static final TextMapGetter<Headers> GETTER =
        new TextMapGetter<>() {
          @Override
          @SuppressWarnings("deprecation")
          public Iterable<String> keys(Headers carrier) {
            return carrier.keySet();
          }

          @Override
          public String get(Headers carrier, String key) {
            return carrier.getFirst(key);
          }
        };
    private final HttpTelemetry telemetry;

    OuterServerSpanFilter(HttpTelemetry telemetry) {
      this.telemetry = telemetry;
    }

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
      Context parent =
          telemetry.sdk.getPropagators().getTextMapPropagator()
              .extract(Context.current(), exchange.getRequestHeaders(), GETTER);
      Span span =
          telemetry.sdk.getTracer("outer").spanBuilder(NAME).setParent(parent)
              .setSpanKind(SpanKind.SERVER).startSpan();
      try (Scope scope = parent.with(span).makeCurrent()) {
        chain.doFilter(exchange);
      } finally {
        span.end();
      }
    }

    @Override
    public String description() {
      return "an outer OpenTelemetry server span";
    }
  }
}

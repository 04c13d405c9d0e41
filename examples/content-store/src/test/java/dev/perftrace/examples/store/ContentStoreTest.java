package dev.perftrace.examples.store;

import static dev.perftrace.examples.store.TestTelemetry.span;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perftrace.CorrelationScope;
import dev.perftrace.PerfAttributes;
import dev.perftrace.PerfTracer;
import dev.perftrace.testing.ClosedPort;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContentStoreTest {

  private static final String STORE_SCOPE = ContentStore.INSTRUMENTATION_SCOPE;
  private static final String PEER_SCOPE = PeerServer.INSTRUMENTATION_SCOPE;
  private static final int SIZE = 40_000; // three 16 KiB chunks on the wire

  @TempDir Path disk;

  private final TestTelemetry telemetry = new TestTelemetry();
  private PeerServer peerA;
  private ContentStore store;
  private PerfTracer app;

  @BeforeEach
  void start() {
    peerA = PeerServer.builder(telemetry.sdk).setName("peer-a").start();
    store =
        ContentStore.builder(telemetry.sdk, disk)
            .setName("store-1")
            .addPeer(peerA.remotePeer())
            .build();
    app = PerfTracer.create(telemetry.sdk, "test.app");
  }

  @AfterEach
  void stop() {
    store.close();
    peerA.close();
    telemetry.close();
  }

  @Test
  void get_keyOnlyOnPeer_returnsPeerContent() {
    peerA.seed("k1", content(SIZE));

    assertThat(store.get("k1")).isEqualTo(content(SIZE));
  }

  @Test
  void get_keyOnlyOnPeer_oneTraceSpansStoreAndPeer() {
    peerA.seed("k1", content(SIZE));

    store.get("k1");

    List<SpanData> spans = telemetry.awaitSpans(5);
    assertThat(spans)
        .extracting(SpanData::getName)
        .containsExactlyInAnyOrder("store.get", "disk.read", "peer.fetch", "peer.serve", "disk.write");
    SpanData get = span(spans, "store.get");
    SpanData fetch = span(spans, "peer.fetch");
    SpanData serve = span(spans, "peer.serve");
    assertThat(spans).extracting(SpanData::getTraceId).containsOnly(get.getTraceId());
    assertThat(get.getParentSpanContext().isValid()).isFalse();
    assertThat(span(spans, "disk.read").getParentSpanId()).isEqualTo(get.getSpanId());
    assertThat(span(spans, "disk.write").getParentSpanId()).isEqualTo(get.getSpanId());
    assertThat(fetch.getParentSpanId()).isEqualTo(get.getSpanId());
    assertThat(serve.getParentSpanId()).isEqualTo(fetch.getSpanId());
    assertThat(serve.getParentSpanContext().isRemote()).isTrue();
    assertThat(fetch.getInstrumentationScopeInfo().getName()).isEqualTo(STORE_SCOPE);
    assertThat(serve.getInstrumentationScopeInfo().getName()).isEqualTo(PEER_SCOPE);
  }

  @Test
  void get_keyOnlyOnPeer_fetchAndServeAreHttpClientAndServerSpans() {
    peerA.seed("k1", content(SIZE));

    store.get("k1");

    List<SpanData> spans = telemetry.awaitSpans(5);
    SpanData fetch = span(spans, "peer.fetch");
    SpanData serve = span(spans, "peer.serve");
    assertThat(fetch.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(serve.getKind()).isEqualTo(SpanKind.SERVER);
    assertThat(fetch.getAttributes().get(AttributeKey.stringKey("http.request.method")))
        .isEqualTo("GET");
    assertThat(fetch.getAttributes().get(AttributeKey.longKey("http.response.status_code")))
        .isEqualTo(200L);
    assertThat(fetch.getAttributes().get(AttributeKey.longKey("server.port")))
        .isEqualTo((long) peerA.port());
    assertThat(serve.getAttributes().get(AttributeKey.stringKey("http.route")))
        .isEqualTo("/content/");
    assertThat(serve.getAttributes().get(AttributeKey.stringKey("content.key"))).isEqualTo("k1");
    assertThat(serve.getAttributes().get(AttributeKey.stringKey("content.peer")))
        .isEqualTo("peer-a");
  }

  @Test
  @SuppressWarnings("try") // the scope is used for its side effect
  void get_insideCallerCorrelation_stampsCallerIdOnEverySpanOfBothSides() {
    peerA.seed("k1", content(SIZE));

    try (CorrelationScope request = app.correlate("req-42")) {
      store.get("k1");
    }

    assertThat(telemetry.awaitSpans(5))
        .extracting(s -> s.getAttributes().get(PerfAttributes.CORRELATION_ID))
        .containsExactly("req-42", "req-42", "req-42", "req-42", "req-42");
  }

  @Test
  void get_withoutCallerCorrelation_generatesOneIdSharedByBothSides() {
    peerA.seed("k1", content(SIZE));

    store.get("k1");

    List<String> ids =
        telemetry.awaitSpans(5).stream()
            .map(s -> s.getAttributes().get(PerfAttributes.CORRELATION_ID))
            .distinct()
            .toList();
    assertThat(ids).hasSize(1);
    assertThat(ids.get(0)).matches("[A-Za-z0-9._:-]{1,128}");
  }

  @Test
  void get_keyOnlyOnPeer_missesMemoryAndDiskThenHitsRemote() {
    peerA.seed("k1", content(SIZE));

    store.get("k1");

    assertThat(telemetry.longSums(STORE_SCOPE, "perftrace.cache.requests"))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                request("memory", "miss"), 1L,
                request("disk", "miss"), 1L,
                request("remote", "hit"), 1L));
    assertThat(telemetry.longSums(STORE_SCOPE, "perftrace.cache.lookups"))
        .containsExactlyInAnyOrderEntriesOf(Map.of(servedBy("remote"), 1L));
  }

  @Test
  void get_sameKeyTwice_secondIsMemoryHitWithoutPeerCall() {
    peerA.seed("k1", content(SIZE));

    store.get("k1");
    assertThat(store.get("k1")).isEqualTo(content(SIZE));

    assertThat(telemetry.longSums(STORE_SCOPE, "perftrace.cache.requests"))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                request("memory", "miss"), 1L,
                request("disk", "miss"), 1L,
                request("remote", "hit"), 1L,
                request("memory", "hit"), 1L));
    assertThat(telemetry.longSums(STORE_SCOPE, "perftrace.cache.lookups"))
        .containsExactlyInAnyOrderEntriesOf(Map.of(servedBy("remote"), 1L, servedBy("memory"), 1L));
    assertThat(telemetry.awaitSpans(6))
        .extracting(SpanData::getName)
        .containsExactlyInAnyOrder(
            "store.get", "disk.read", "peer.fetch", "peer.serve", "disk.write", "store.get");
  }

  @Test
  void get_afterMemoryCleared_isDiskHit() {
    peerA.seed("k1", content(SIZE));
    store.get("k1");
    store.clearMemory();

    assertThat(store.get("k1")).isEqualTo(content(SIZE));

    assertThat(telemetry.longSums(STORE_SCOPE, "perftrace.cache.requests"))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                request("memory", "miss"), 2L,
                request("disk", "miss"), 1L,
                request("remote", "hit"), 1L,
                request("disk", "hit"), 1L));
    assertThat(telemetry.longSums(STORE_SCOPE, "perftrace.cache.lookups"))
        .containsExactlyInAnyOrderEntriesOf(Map.of(servedBy("remote"), 1L, servedBy("disk"), 1L));
  }

  @Test
  void get_keyOnlyOnPeer_countsBodyBytesPerDirectionAndPeerOnBothSides() {
    peerA.seed("k1", content(SIZE));

    store.get("k1");
    telemetry.awaitSpans(5); // the peer records its bytes when its span ends

    assertThat(telemetry.longSums(STORE_SCOPE, "perftrace.transfer.io"))
        .containsExactlyInAnyOrderEntriesOf(Map.of(transfer("receive", "peer-a"), (long) SIZE));
    assertThat(telemetry.longSums(PEER_SCOPE, "perftrace.transfer.io"))
        .containsExactlyInAnyOrderEntriesOf(Map.of(transfer("transmit", "store-1"), (long) SIZE));
  }

  @Test
  void get_keyOnlyOnPeer_recordsStreamedBodyAsOneTransfer() {
    peerA.seed("k1", content(SIZE));

    store.get("k1");
    telemetry.awaitSpans(5);

    Map<Attributes, HistogramPointData> sizes =
        telemetry.histograms(STORE_SCOPE, "perftrace.transfer.size");
    assertThat(sizes).containsOnlyKeys(transfer("receive", "peer-a"));
    assertThat(sizes.get(transfer("receive", "peer-a")).getCount()).isEqualTo(1);
    assertThat(sizes.get(transfer("receive", "peer-a")).getSum()).isEqualTo(SIZE);
  }

  @Test
  void get_keyOnlyOnPeer_totalsBytesOnFetchAndServeSpans() {
    peerA.seed("k1", content(SIZE));

    store.get("k1");

    List<SpanData> spans = telemetry.awaitSpans(5);
    assertThat(span(spans, "peer.fetch").getAttributes().get(PerfAttributes.BYTES_RECEIVED))
        .isEqualTo((long) SIZE);
    assertThat(span(spans, "peer.serve").getAttributes().get(PerfAttributes.BYTES_SENT))
        .isEqualTo((long) SIZE);
  }

  @Test
  void put_writesThroughToOwningPeerAndCountsBytesBothSides() {
    store.put("k2", content(1000));
    telemetry.awaitSpans(4);

    assertThat(peerA.contains("k2")).isTrue();
    assertThat(telemetry.longSums(STORE_SCOPE, "perftrace.transfer.io"))
        .containsExactlyInAnyOrderEntriesOf(Map.of(transfer("transmit", "peer-a"), 1000L));
    assertThat(telemetry.longSums(PEER_SCOPE, "perftrace.transfer.io"))
        .containsExactlyInAnyOrderEntriesOf(Map.of(transfer("receive", "store-1"), 1000L));
  }

  @Test
  void put_peerStoreSpanIsChildOfPush() {
    store.put("k2", content(1000));

    List<SpanData> spans = telemetry.awaitSpans(4);
    assertThat(spans)
        .extracting(SpanData::getName)
        .containsExactlyInAnyOrder("store.put", "disk.write", "peer.push", "peer.store");
    assertThat(span(spans, "peer.store").getParentSpanId())
        .isEqualTo(span(spans, "peer.push").getSpanId());
    assertThat(span(spans, "peer.store").getTraceId())
        .isEqualTo(span(spans, "store.put").getTraceId());
  }

  @Test
  void get_afterPut_isMemoryHit() {
    store.put("k2", content(1000));

    assertThat(store.get("k2")).isEqualTo(content(1000));

    assertThat(telemetry.longSums(STORE_SCOPE, "perftrace.cache.requests"))
        .containsExactlyInAnyOrderEntriesOf(Map.of(request("memory", "hit"), 1L));
  }

  @Test
  void get_keyMissingEverywhere_throwsNotFound() {
    assertThatThrownBy(() -> store.get("nope"))
        .isInstanceOf(ContentNotFoundException.class)
        .hasMessage("no tier has key 'nope' (remote peer peer-a answered 404)");
  }

  @Test
  void get_keyMissingEverywhere_missesEveryTierAndIsServedByNone() {
    assertThatThrownBy(() -> store.get("nope")).isInstanceOf(ContentNotFoundException.class);

    assertThat(telemetry.longSums(STORE_SCOPE, "perftrace.cache.requests"))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                request("memory", "miss"), 1L,
                request("disk", "miss"), 1L,
                request("remote", "miss"), 1L));
    assertThat(telemetry.longSums(STORE_SCOPE, "perftrace.cache.lookups"))
        .containsExactlyInAnyOrderEntriesOf(Map.of(servedBy("none"), 1L));
  }

  @Test
  void get_keyMissingEverywhere_recordsGetAsFailedWithErrorType() {
    assertThatThrownBy(() -> store.get("nope")).isInstanceOf(ContentNotFoundException.class);

    SpanData get = span(telemetry.awaitSpans(4), "store.get");
    assertThat(get.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(get.getAttributes().get(PerfAttributes.ERROR_TYPE))
        .isEqualTo(ContentNotFoundException.class.getName());
    Map<Attributes, HistogramPointData> durations =
        telemetry.histograms(STORE_SCOPE, "perftrace.operation.duration");
    Attributes failedGet =
        Attributes.of(
            PerfAttributes.OPERATION_NAME, "store.get",
            PerfAttributes.OPERATION_OUTCOME, "error",
            PerfAttributes.ERROR_TYPE, ContentNotFoundException.class.getName());
    assertThat(durations.get(failedGet).getCount()).isEqualTo(1);
  }

  @Test
  void get_peerDown_failsWithRemoteMissAndConnectError() {
    // the peer is down: a loopback port this test holds, refusing connections (a closed server's
    // port could be taken by another process before the store connects)
    try (ClosedPort down = ClosedPort.open()) {
      store.close();
      store =
          ContentStore.builder(telemetry.sdk, disk)
              .setName("store-1")
              .addPeer(RemotePeer.of("peer-a", URI.create(down.httpUrl() + "/")))
              .build();
      getFromADownPeer();
    }
  }

  private void getFromADownPeer() {
    assertThatThrownBy(() -> store.get("k1"))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessage("fetch of 'k1' from peer-a failed")
        .hasCauseInstanceOf(ConnectException.class);

    assertThat(telemetry.longSums(STORE_SCOPE, "perftrace.cache.requests"))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                request("memory", "miss"), 1L,
                request("disk", "miss"), 1L,
                request("remote", "miss"), 1L));
    SpanData fetch = span(telemetry.awaitSpans(3), "peer.fetch");
    assertThat(fetch.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(fetch.getAttributes().get(PerfAttributes.ERROR_TYPE))
        .isEqualTo(ConnectException.class.getName());
  }

  @Test
  void get_twoPeers_fetchesEachKeyFromItsOwnerAndCountsBytesPerPeer() {
    try (PeerServer peerB = PeerServer.builder(telemetry.sdk).setName("peer-b").start();
        ContentStore sharded =
            ContentStore.builder(telemetry.sdk, disk.resolve("sharded"))
                .setName("store-2")
                .addPeer(peerA.remotePeer())
                .addPeer(peerB.remotePeer())
                .build()) {
      String keyA = keyOwnedBy(sharded, "peer-a");
      String keyB = keyOwnedBy(sharded, "peer-b");
      peerA.seed(keyA, content(300));
      peerB.seed(keyB, content(700));

      sharded.get(keyA);
      sharded.get(keyB);
      telemetry.awaitSpans(10);

      assertThat(telemetry.longSums(STORE_SCOPE, "perftrace.transfer.io"))
          .containsExactlyInAnyOrderEntriesOf(
              Map.of(transfer("receive", "peer-a"), 300L, transfer("receive", "peer-b"), 700L));
    }
  }

  @Test
  void get_invalidKey_throwsNamingTheKey() {
    assertThatThrownBy(() -> store.get("../etc/passwd"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("key must match");
  }

  @Test
  void build_withoutPeers_throwsNamingPeers() {
    assertThatThrownBy(() -> ContentStore.builder(telemetry.sdk, disk).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("peers:");
  }

  private static String keyOwnedBy(ContentStore store, String peerName) {
    return IntStream.range(0, 100)
        .mapToObj(i -> "key-" + i)
        .filter(k -> store.peerFor(k).name().equals(peerName))
        .findFirst()
        .orElseThrow();
  }

  static byte[] content(int size) {
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) (i * 31 + 7);
    }
    return bytes;
  }

  private static Attributes request(String tier, String result) {
    return Attributes.of(
        PerfAttributes.CACHE_NAME, "content",
        PerfAttributes.CACHE_TIER, tier,
        PerfAttributes.CACHE_RESULT, result);
  }

  private static Attributes servedBy(String tier) {
    return Attributes.of(PerfAttributes.CACHE_NAME, "content", PerfAttributes.CACHE_SERVED_BY, tier);
  }

  private static Attributes transfer(String direction, String source) {
    return Attributes.of(
        PerfAttributes.NETWORK_IO_DIRECTION, direction, PerfAttributes.TRANSFER_SOURCE, source);
  }
}

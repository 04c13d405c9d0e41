package dev.perftrace.examples.store;

import static java.util.Objects.requireNonNull;

import dev.perftrace.CacheLookup;
import dev.perftrace.CorrelationScope;
import dev.perftrace.Operation;
import dev.perftrace.PerfTracer;
import dev.perftrace.TieredCache;
import dev.perftrace.examples.store.internal.Bodies;
import dev.perftrace.instrumentation.jdkhttp.PerfTraceHttpClient;
import dev.perftrace.examples.store.internal.DiskDirectory;
import dev.perftrace.examples.store.internal.Keys;
import dev.perftrace.examples.store.internal.LruMemory;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A tiered content store: {@link #get(String)} looks in an in-memory LRU, then a local disk
 * directory, then the remote peer that owns the key (a {@link PeerServer} reached over HTTP), and
 * fills the nearer tiers on the way back; {@link #put(String, byte[])} writes through all three.
 *
 * <p>Thread safety: safe for concurrent use by any number of threads; share one instance.
 *
 * <p>Instrumented through PerfTrace's {@code tracer-core} and, for the peer hop, {@code
 * PerfTraceHttpClient} (instrumentation scope {@value #INSTRUMENTATION_SCOPE}):
 *
 * <ul>
 *   <li>operations {@code store.get}, {@code store.put}, {@code disk.read}, {@code disk.write},
 *       {@code peer.fetch}, {@code peer.push};
 *   <li>the cache {@code content} with tiers {@code memory}, {@code disk}, {@code remote}: one
 *       hit or miss per tier consulted, and which tier served each {@code get};
 *   <li>body bytes per direction and peer ({@code receive} for fetched content, {@code transmit}
 *       for pushed content), with the peer name as the source;
 *   <li>a correlation ID per request: the caller's when one is current, otherwise a new one; it is
 *       sent to the peer in the W3C {@code baggage} header next to {@code traceparent}, so the
 *       peer's spans join the same trace and carry the same correlation ID.
 * </ul>
 */
public final class ContentStore implements AutoCloseable {

  /** Instrumentation scope name of the store's tracer. */
  public static final String INSTRUMENTATION_SCOPE = "dev.perftrace.examples.store";
  /** Name of the cache recorded for the tiers. */
  public static final String CACHE_NAME = "content";
  /** Tier names, nearest first. */
  public static final String TIER_MEMORY = "memory";
  /** Tier names, nearest first. */
  public static final String TIER_DISK = "disk";
  /** Tier names, nearest first. */
  public static final String TIER_REMOTE = "remote";
  /** Request header naming the client to the peer (the peer's bandwidth source). */
  public static final String CLIENT_HEADER = "X-Content-Store-Client";

  private final String name;
  private final PerfTracer tracer;
  private final TieredCache cache;
  private final LruMemory memory;
  private final DiskDirectory disk;
  private final List<RemotePeer> peers;
  private final HttpClient http;
  private final Duration requestTimeout;
  private final long maxContentBytes;

  private ContentStore(Builder builder, DiskDirectory disk) {
    this.name = builder.name;
    this.tracer = PerfTracer.create(builder.openTelemetry, INSTRUMENTATION_SCOPE);
    this.cache = tracer.cache(CACHE_NAME, TIER_MEMORY, TIER_DISK, TIER_REMOTE);
    this.memory = new LruMemory(builder.memoryCapacityBytes);
    this.disk = disk;
    this.peers = List.copyOf(builder.peers);
    this.requestTimeout = builder.requestTimeout;
    this.maxContentBytes = builder.maxContentBytes;
    // the peer hop: an operation per exchange (peer.fetch / peer.push), traceparent and baggage
    // (correlation ID) headers, body bytes per direction with the peer's name as the source
    Map<String, String> peerNames = new HashMap<>();
    peers.forEach(p -> peerNames.put(authority(p.baseUri()), p.name()));
    this.http =
        PerfTraceHttpClient.builder(
                HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(builder.requestTimeout)
                    .build(),
                tracer)
            .setOperationName(r -> "GET".equals(r.method()) ? "peer.fetch" : "peer.push")
            .setSource(r -> peerNames.get(authority(r.uri())))
            .build();
  }

  /**
   * Returns a builder for a store whose spans and metrics go to {@code openTelemetry} and whose
   * disk tier lives in {@code diskDirectory} (created when missing).
   */
  public static Builder builder(OpenTelemetry openTelemetry, Path diskDirectory) {
    return new Builder(openTelemetry, diskDirectory);
  }

  /** Returns the store name, sent to peers in {@value #CLIENT_HEADER}. */
  public String name() {
    return name;
  }

  /** Returns the peers, in the order keys are sharded over them. */
  public List<RemotePeer> peers() {
    return peers;
  }

  /** Returns the peer that owns {@code key}: the same key always goes to the same peer. */
  public RemotePeer peerFor(String key) {
    return peers.get(Math.floorMod(Keys.check(key).hashCode(), peers.size()));
  }

  /**
   * Returns the content of {@code key} from the nearest tier that has it.
   *
   * @throws IllegalArgumentException when the key is not valid
   * @throws ContentNotFoundException when no tier has the key
   * @throws UncheckedIOException when the disk or the peer fails
   */
  @SuppressWarnings("try") // the correlation scope is used for its side effect
  public byte[] get(String key) {
    Keys.check(key);
    try (CorrelationScope request = correlation();
        Operation op = tracer.start("store.get")) {
      op.setAttribute("content.key", key);
      try {
        byte[] content = lookup(key);
        op.setAttribute("content.size", content.length);
        return content;
      } catch (RuntimeException e) {
        op.fail(e);
        throw e;
      }
    }
  }

  /**
   * Stores {@code content} under {@code key} in memory, on disk and on the peer that owns the key.
   *
   * @throws IllegalArgumentException when the key is not valid or the content is larger than the
   *     configured maximum
   * @throws UncheckedIOException when the disk or the peer fails
   */
  @SuppressWarnings("try") // the correlation scope is used for its side effect
  public void put(String key, byte[] content) {
    Keys.check(key);
    requireNonNull(content, "content");
    if (content.length > maxContentBytes) {
      throw new IllegalArgumentException(
          "content must be at most " + maxContentBytes + " bytes, was " + content.length);
    }
    byte[] copy = content.clone();
    try (CorrelationScope request = correlation();
        Operation op = tracer.start("store.put")) {
      op.setAttribute("content.key", key);
      op.setAttribute("content.size", copy.length);
      try {
        memory.put(key, copy);
        writeDisk(key, copy);
        push(peerFor(key), key, copy);
      } catch (RuntimeException e) {
        op.fail(e);
        throw e;
      }
    }
  }

  /** Empties the memory tier (the disk and the peers keep their content). */
  public void clearMemory() {
    memory.clear();
  }

  /** Releases the memory tier. The HTTP client's threads are daemon threads and end on their own. */
  @Override
  public void close() {
    memory.clear();
  }

  private static String authority(URI uri) {
    return uri.getHost() + ":" + uri.getPort();
  }

  private CorrelationScope correlation() {
    String current = tracer.currentCorrelationId();
    return current == null ? tracer.correlate() : tracer.correlate(current);
  }

  private byte[] lookup(String key) {
    try (CacheLookup lookup = cache.startLookup()) {
      byte[] content = memory.get(key);
      if (content != null) {
        lookup.hit(TIER_MEMORY);
        return content.clone();
      }
      lookup.miss(TIER_MEMORY);

      content = readDisk(key);
      if (content != null) {
        lookup.hit(TIER_DISK);
        memory.put(key, content);
        return content.clone();
      }
      lookup.miss(TIER_DISK);

      RemotePeer peer = peerFor(key);
      try {
        content = fetch(peer, key);
      } catch (RuntimeException e) {
        lookup.miss(TIER_REMOTE);
        throw e;
      }
      if (content == null) {
        lookup.miss(TIER_REMOTE);
        throw new ContentNotFoundException(key, peer.name());
      }
      lookup.hit(TIER_REMOTE);
      writeDisk(key, content);
      memory.put(key, content);
      return content.clone();
    }
  }

  private byte[] readDisk(String key) {
    try (Operation op = tracer.start("disk.read")) {
      try {
        byte[] content = disk.read(key);
        op.setAttribute("content.found", content == null ? "false" : "true");
        return content;
      } catch (IOException e) {
        op.fail(e);
        throw new UncheckedIOException("disk read of '" + key + "' failed", e);
      }
    }
  }

  private void writeDisk(String key, byte[] content) {
    try (Operation op = tracer.start("disk.write")) {
      try {
        disk.write(key, content);
      } catch (IOException e) {
        op.fail(e);
        throw new UncheckedIOException("disk write of '" + key + "' failed", e);
      }
    }
  }

  /** GETs the key from the peer (operation {@code peer.fetch}); returns {@code null} on 404. */
  private byte[] fetch(RemotePeer peer, String key) {
    try {
      HttpResponse<InputStream> response =
          http.send(request(peer, key).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream body = response.body()) {
        if (response.statusCode() == 404) {
          return null;
        }
        if (response.statusCode() != 200) {
          throw new IOException(
              "peer " + peer.name() + " answered HTTP " + response.statusCode() + " for GET");
        }
        return Bodies.read(body, maxContentBytes);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("fetch of '" + key + "' from " + peer.name() + " failed", e);
    } catch (InterruptedException e) {
      throw interrupted("fetch of '" + key + "' interrupted", e);
    }
  }

  /** PUTs the key to the peer (operation {@code peer.push}). */
  private void push(RemotePeer peer, String key, byte[] content) {
    try {
      HttpRequest request =
          request(peer, key).PUT(HttpRequest.BodyPublishers.ofByteArray(content)).build();
      HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
      if (response.statusCode() != 204 && response.statusCode() != 200) {
        throw new IOException(
            "peer " + peer.name() + " answered HTTP " + response.statusCode() + " for PUT");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("push of '" + key + "' to " + peer.name() + " failed", e);
    } catch (InterruptedException e) {
      throw interrupted("push of '" + key + "' interrupted", e);
    }
  }

  private static UncheckedIOException interrupted(String message, InterruptedException e) {
    Thread.currentThread().interrupt();
    InterruptedIOException interrupted = new InterruptedIOException("interrupted");
    interrupted.initCause(e);
    return new UncheckedIOException(message, interrupted);
  }

  private HttpRequest.Builder request(RemotePeer peer, String key) {
    return HttpRequest.newBuilder(peer.contentUri(key))
        .timeout(requestTimeout)
        .header(CLIENT_HEADER, name);
  }

  /**
   * Builds a {@link ContentStore}. Setters check their argument at once and throw naming the
   * parameter.
   *
   * <p>Thread safety: not thread-safe; configure on one thread, then {@link #build()}.
   */
  public static final class Builder {
    private final OpenTelemetry openTelemetry;
    private final Path diskDirectory;
    private final List<RemotePeer> peers = new ArrayList<>();
    private String name = "content-store";
    private long memoryCapacityBytes = 16L * 1024 * 1024;
    private long maxContentBytes = 16L * 1024 * 1024;
    private Duration requestTimeout = Duration.ofSeconds(10);

    private Builder(OpenTelemetry openTelemetry, Path diskDirectory) {
      this.openTelemetry = requireNonNull(openTelemetry, "openTelemetry");
      this.diskDirectory = requireNonNull(diskDirectory, "diskDirectory");
    }

    /**
     * Sets the store name sent to peers as {@value ContentStore#CLIENT_HEADER} (default {@code
     * content-store}).
     */
    public Builder setName(String name) {
      requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("name must not be blank");
      }
      this.name = name;
      return this;
    }

    /** Sets the memory tier's capacity in content bytes (default 16 MiB). */
    public Builder setMemoryCapacityBytes(long memoryCapacityBytes) {
      if (memoryCapacityBytes < 1) {
        throw new IllegalArgumentException(
            "memoryCapacityBytes must be at least 1, was " + memoryCapacityBytes);
      }
      this.memoryCapacityBytes = memoryCapacityBytes;
      return this;
    }

    /** Sets the largest accepted content, stored or fetched (default 16 MiB). */
    public Builder setMaxContentBytes(long maxContentBytes) {
      if (maxContentBytes < 1) {
        throw new IllegalArgumentException(
            "maxContentBytes must be at least 1, was " + maxContentBytes);
      }
      this.maxContentBytes = maxContentBytes;
      return this;
    }

    /** Sets the connect and request timeout for peer calls (default 10 s). */
    public Builder setRequestTimeout(Duration requestTimeout) {
      requireNonNull(requestTimeout, "requestTimeout");
      if (requestTimeout.isNegative() || requestTimeout.isZero()) {
        throw new IllegalArgumentException("requestTimeout must be positive, was " + requestTimeout);
      }
      this.requestTimeout = requestTimeout;
      return this;
    }

    /** Adds a remote peer; keys are sharded over the peers in the order they were added. */
    public Builder addPeer(RemotePeer peer) {
      requireNonNull(peer, "peer");
      for (RemotePeer existing : peers) {
        if (existing.name().equals(peer.name())) {
          throw new IllegalArgumentException("peer name '" + peer.name() + "' is already used");
        }
      }
      peers.add(peer);
      return this;
    }

    /**
     * Builds the store, creating the disk directory when missing.
     *
     * @throws IllegalStateException when no peer was added
     * @throws UncheckedIOException when the disk directory cannot be created
     */
    public ContentStore build() {
      if (peers.isEmpty()) {
        throw new IllegalStateException("peers: add at least one RemotePeer with addPeer");
      }
      try {
        return new ContentStore(this, new DiskDirectory(diskDirectory));
      } catch (IOException e) {
        throw new UncheckedIOException("diskDirectory " + diskDirectory + " is not usable", e);
      }
    }
  }
}

package dev.perftrace.examples.store.internal;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A least-recently-used map from keys to byte arrays, bounded by the total number of content
 * bytes it holds. Internal: not API.
 *
 * <p>Thread safety: safe for concurrent use; every access takes the instance lock (access order
 * changes the map even on reads).
 */
public final class LruMemory {

  private final long capacityBytes;
  private final Object lock = new Object();

  // Guarded by lock. Access order: iteration starts at the least recently used entry.
  private final LinkedHashMap<String, byte[]> entries = new LinkedHashMap<>(16, 0.75f, true);
  // Guarded by lock.
  private long sizeBytes;

  /** Creates a memory tier holding at most {@code capacityBytes} content bytes. */
  public LruMemory(long capacityBytes) {
    if (capacityBytes < 1) {
      throw new IllegalArgumentException("capacityBytes must be at least 1, was " + capacityBytes);
    }
    this.capacityBytes = capacityBytes;
  }

  /** Returns the content for {@code key} (marking it most recently used), or {@code null}. */
  public byte[] get(String key) {
    synchronized (lock) {
      return entries.get(key);
    }
  }

  /**
   * Stores {@code content} under {@code key}, evicting least recently used entries until the
   * total fits. Content larger than the whole capacity is not stored (and an older value for the
   * key is removed, so the tier never serves stale content).
   */
  public void put(String key, byte[] content) {
    synchronized (lock) {
      byte[] previous = entries.remove(key);
      if (previous != null) {
        sizeBytes -= previous.length;
      }
      if (content.length > capacityBytes) {
        return;
      }
      entries.put(key, content);
      sizeBytes += content.length;
      Iterator<Map.Entry<String, byte[]>> eldest = entries.entrySet().iterator();
      while (sizeBytes > capacityBytes && eldest.hasNext()) {
        Map.Entry<String, byte[]> entry = eldest.next();
        sizeBytes -= entry.getValue().length;
        eldest.remove();
      }
    }
  }

  /** Removes every entry. */
  public void clear() {
    synchronized (lock) {
      entries.clear();
      sizeBytes = 0;
    }
  }

  /** Returns the number of entries. */
  public int size() {
    synchronized (lock) {
      return entries.size();
    }
  }

  /** Returns the total content bytes held. */
  public long sizeBytes() {
    synchronized (lock) {
      return sizeBytes;
    }
  }
}

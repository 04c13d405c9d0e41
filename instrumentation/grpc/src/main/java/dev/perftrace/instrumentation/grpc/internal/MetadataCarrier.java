package dev.perftrace.instrumentation.grpc.internal;

import io.grpc.Metadata;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads and writes propagation fields as ASCII gRPC metadata (binary {@code -bin} keys are
 * skipped).
 *
 * <p>Thread safety: stateless apart from a bounded concurrent cache of metadata keys.
 */
enum MetadataCarrier implements TextMapGetter<Metadata>, TextMapSetter<Metadata> {
  INSTANCE;

  private static final int MAX_CACHED_KEYS = 64;
  private static final ConcurrentHashMap<String, Metadata.Key<String>> KEYS =
      new ConcurrentHashMap<>();

  private static Metadata.Key<String> key(String name) {
    Metadata.Key<String> key = KEYS.get(name);
    if (key == null) {
      key = Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
      if (KEYS.size() < MAX_CACHED_KEYS) {
        KEYS.putIfAbsent(name, key);
      }
    }
    return key;
  }

  private static boolean binary(String name) {
    return name.endsWith(Metadata.BINARY_HEADER_SUFFIX);
  }

  @Override
  @SuppressWarnings("deprecation") // deprecated from 1.6x; still abstract in 1.59
  public Iterable<String> keys(Metadata carrier) {
    List<String> ascii = new ArrayList<>();
    for (String name : carrier.keys()) {
      if (!binary(name)) {
        ascii.add(name);
      }
    }
    return ascii;
  }

  @Override
  public String get(Metadata carrier, String name) {
    if (carrier == null || name == null || binary(name)) {
      return null;
    }
    return carrier.get(key(name));
  }

  @Override
  public void set(Metadata carrier, String name, String value) {
    if (carrier == null || name == null || value == null || binary(name)) {
      return;
    }
    Metadata.Key<String> key = key(name);
    carrier.removeAll(key);
    carrier.put(key, value);
  }
}

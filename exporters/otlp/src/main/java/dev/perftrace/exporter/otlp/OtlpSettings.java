package dev.perftrace.exporter.otlp;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How to reach one OTLP endpoint: protocol, endpoint URL, headers, custom CA, compression and
 * timeouts. Header values are secrets (API keys): {@link #toString()} never shows them.
 *
 * <p>Thread safety: immutable; safe for concurrent use. Built by {@link #builder()}.
 */
public final class OtlpSettings {

  /** Default export timeout (per request), as in the OpenTelemetry SDK. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  /** Default connect timeout. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private final OtlpProtocol protocol;
  private final URI endpoint;
  private final Map<String, String> headers;
  private final byte[] trustedCertificatesPem;
  private final String compression;
  private final Duration timeout;
  private final Duration connectTimeout;
  private final boolean retryEnabled;

  private OtlpSettings(Builder b) {
    this.protocol = b.protocol;
    this.endpoint = b.endpoint;
    this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(b.headers));
    this.trustedCertificatesPem =
        b.trustedCertificatesPem == null ? null : b.trustedCertificatesPem.clone();
    this.compression = b.compression;
    this.timeout = b.timeout;
    this.connectTimeout = b.connectTimeout;
    this.retryEnabled = b.retryEnabled;
  }

  /** Returns a builder with the defaults: gRPC to {@code http://localhost:4317}, no headers. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the protocol. */
  public OtlpProtocol protocol() {
    return protocol;
  }

  /** Returns the endpoint URL (for OTLP/HTTP the full URL of the signal, with its path). */
  public URI endpoint() {
    return endpoint;
  }

  /** Returns the headers sent with every request. Secret: never log the values. */
  public Map<String, String> headers() {
    return headers;
  }

  /** Returns the PEM of the CA certificates to trust instead of the system ones, if set. */
  public Optional<byte[]> trustedCertificatesPem() {
    return Optional.ofNullable(trustedCertificatesPem).map(byte[]::clone);
  }

  /** Returns {@code gzip} or {@code none}. */
  public String compression() {
    return compression;
  }

  /** Returns the per-request export timeout. */
  public Duration timeout() {
    return timeout;
  }

  /** Returns the connect timeout. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** Returns whether the exporter retries a failed request itself (default false). */
  public boolean retryEnabled() {
    return retryEnabled;
  }

  /** Describes the settings; header values are shown as {@code ****}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("OtlpSettings{protocol=")
        .append(protocol.configValue())
        .append(", endpoint=")
        .append(endpoint)
        .append(", headers={");
    String separator = "";
    for (String key : headers.keySet()) {
      sb.append(separator).append(key).append("=****");
      separator = ", ";
    }
    return sb.append("}, customCa=")
        .append(trustedCertificatesPem != null)
        .append(", compression=")
        .append(compression)
        .append(", timeout=")
        .append(timeout)
        .append(", connectTimeout=")
        .append(connectTimeout)
        .append(", retry=")
        .append(retryEnabled)
        .append('}')
        .toString();
  }

  /**
   * Builds {@link OtlpSettings}; every setter checks its argument.
   *
   * <p>Thread safety: not thread-safe; use from one thread.
   */
  public static final class Builder {
    private OtlpProtocol protocol = OtlpProtocol.GRPC;
    private URI endpoint = URI.create("http://localhost:4317");
    private final Map<String, String> headers = new LinkedHashMap<>();
    private byte[] trustedCertificatesPem;
    private String compression = "none";
    private Duration timeout = DEFAULT_TIMEOUT;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private boolean retryEnabled;

    private Builder() {}

    /** Sets the protocol (default gRPC). */
    public Builder setProtocol(OtlpProtocol protocol) {
      this.protocol = requireNonNull(protocol, "protocol");
      return this;
    }

    /**
     * Sets the endpoint: {@code http://host:port} or {@code https://host:port} for gRPC; for
     * OTLP/HTTP the signal's full URL, such as {@code http://host:4318/v1/traces}.
     *
     * @throws IllegalArgumentException naming {@code endpoint} unless it is an absolute http or
     *     https URL with a host
     */
    public Builder setEndpoint(String endpoint) {
      requireNonNull(endpoint, "endpoint");
      URI uri;
      try {
        uri = new URI(endpoint.trim());
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("endpoint is not a valid URL: " + endpoint, e);
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
        throw new IllegalArgumentException(
            "endpoint must be an http:// or https:// URL with a host: " + endpoint);
      }
      this.endpoint = uri;
      return this;
    }

    /** Adds a header sent with every request (for example an API key). */
    public Builder putHeader(String name, String value) {
      requireNonNull(name, "name");
      requireNonNull(value, "value");
      if (name.isBlank()) {
        throw new IllegalArgumentException("name must not be blank");
      }
      headers.put(name.trim().toLowerCase(Locale.ROOT), value);
      return this;
    }

    /** Adds every entry of {@code headers} with {@link #putHeader}. */
    public Builder putHeaders(Map<String, String> headers) {
      requireNonNull(headers, "headers");
      headers.forEach(this::putHeader);
      return this;
    }

    /** Trusts the CA certificates in {@code pem} (X.509, PEM) instead of the system ones. */
    public Builder setTrustedCertificatesPem(byte[] pem) {
      requireNonNull(pem, "pem");
      if (pem.length == 0) {
        throw new IllegalArgumentException("pem must not be empty");
      }
      this.trustedCertificatesPem = pem.clone();
      return this;
    }

    /** Sets {@code gzip} or {@code none} (default). */
    public Builder setCompression(String compression) {
      requireNonNull(compression, "compression");
      String value = compression.trim().toLowerCase(Locale.ROOT);
      if (!value.equals("gzip") && !value.equals("none")) {
        throw new IllegalArgumentException(
            "compression must be gzip or none: " + compression);
      }
      this.compression = value;
      return this;
    }

    /** Sets the per-request export timeout (positive; default 10 s). */
    public Builder setTimeout(Duration timeout) {
      this.timeout = positive(timeout, "timeout");
      return this;
    }

    /** Sets the connect timeout (positive; default 10 s). */
    public Builder setConnectTimeout(Duration connectTimeout) {
      this.connectTimeout = positive(connectTimeout, "connectTimeout");
      return this;
    }

    /**
     * Lets the exporter retry failed requests with OpenTelemetry's default backoff (default
     * false: the circuit breaker and the batch processor's bounded queue handle failures).
     */
    public Builder setRetryEnabled(boolean retryEnabled) {
      this.retryEnabled = retryEnabled;
      return this;
    }

    /** Builds the settings. */
    public OtlpSettings build() {
      return new OtlpSettings(this);
    }

    private static Duration positive(Duration value, String name) {
      requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + value);
      }
      return value;
    }

    @Override
    public String toString() {
      return "OtlpSettings.Builder{" + build() + "}";
    }
  }
}

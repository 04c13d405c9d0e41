package dev.perftrace.report.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * GET requests with timeouts for both sources. Failures become {@link UncheckedIOException}s
 * naming the URI.
 *
 * <p>Thread safety: safe for concurrent use (one shared {@link HttpClient}).
 */
public final class Http {

  /** Connect timeout of every request. */
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** Timeout of a whole request, headers and body. */
  public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .connectTimeout(CONNECT_TIMEOUT)
          .followRedirects(HttpClient.Redirect.NORMAL)
          .build();

  /** The body and the content type of a successful answer. */
  public record Response(String body, String contentType) {}

  /** The raw body and the content type of a successful answer. */
  public record BinaryResponse(byte[] body, String contentType) {
    /** The body as UTF-8 text. */
    public String text() {
      return new String(body, java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  private Http() {}

  /** GETs {@code uri}; throws unless the status is 2xx. */
  public static Response get(URI uri, String accept) {
    BinaryResponse response = getBytes(uri, accept);
    return new Response(response.text(), response.contentType());
  }

  /** GETs {@code uri} as bytes (protobuf); throws unless the status is 2xx. */
  public static BinaryResponse getBytes(URI uri, String accept) {
    HttpRequest request =
        HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).header("Accept", accept).GET().build();
    HttpResponse<byte[]> response;
    try {
      response = CLIENT.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + uri + ": " + describe(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(
          "interrupted while reading " + uri, new InterruptedIOException(e.toString()));
    } catch (IllegalArgumentException e) {
      throw new UncheckedIOException("cannot read " + uri + ": " + e.getMessage(), new IOException(e));
    }
    if (response.statusCode() / 100 != 2) {
      String body =
          new String(response.body(), java.nio.charset.StandardCharsets.UTF_8)
              .strip()
              .replaceAll("\\s+", " ");
      if (body.length() > 200) {
        body = body.substring(0, 200) + "...";
      }
      throw new UncheckedIOException(
          new IOException(uri + " answered HTTP " + response.statusCode() + ": " + body));
    }
    return new BinaryResponse(
        response.body(), response.headers().firstValue("Content-Type").orElse(""));
  }

  private static String describe(IOException e) {
    String message = e.getMessage();
    return message == null || message.isBlank()
        ? e.getClass().getSimpleName()
        : e.getClass().getSimpleName() + ": " + message;
  }
}

package dev.perftrace.instrumentation.jdkhttp.internal;

import io.opentelemetry.context.Scope;
import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * An {@link HttpClient} that delegates everything to another and makes each {@code send} / {@code
 * sendAsync} a PerfTrace exchange. Internal: not API; see {@code PerfTraceHttpClient}.
 *
 * <p>Thread safety: as the delegate (HttpClient is thread-safe); per-exchange state lives in the
 * exchange.
 */
@SuppressWarnings("try") // scopes held current for their side effect
public final class TracingHttpClient extends HttpClient {
  private final HttpClient delegate;
  private final ClientConfig config;

  /** Wraps {@code delegate}; both non-null (checked by the caller). */
  public TracingHttpClient(HttpClient delegate, ClientConfig config) {
    this.delegate = delegate;
    this.config = config;
  }

  @Override
  public <T> HttpResponse<T> send(
      HttpRequest request, HttpResponse.BodyHandler<T> responseBodyHandler)
      throws IOException, InterruptedException {
    ClientExchange exchange =
        request == null || responseBodyHandler == null
            ? null
            : ClientExchange.start(config, request);
    if (exchange == null) {
      return delegate.send(request, responseBodyHandler);
    }
    HttpRequest outgoing = outgoing(request, exchange);
    HttpResponse<T> response;
    try (Scope ignored = exchange.makeCurrent()) {
      response = delegate.send(outgoing, new CountingBodyHandler<>(responseBodyHandler, exchange));
    } catch (IOException | InterruptedException | RuntimeException | Error e) {
      exchange.exchangeDone(null, e);
      throw e;
    }
    exchange.exchangeDone(response, null);
    return response;
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(
      HttpRequest request, HttpResponse.BodyHandler<T> responseBodyHandler) {
    return sendAsync(request, responseBodyHandler, null);
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(
      HttpRequest request,
      HttpResponse.BodyHandler<T> responseBodyHandler,
      HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
    ClientExchange exchange =
        request == null || responseBodyHandler == null
            ? null
            : ClientExchange.start(config, request);
    if (exchange == null) {
      return delegate.sendAsync(request, responseBodyHandler, pushPromiseHandler);
    }
    HttpRequest outgoing = outgoing(request, exchange);
    CompletableFuture<HttpResponse<T>> sent;
    try (Scope ignored = exchange.makeCurrent()) {
      sent =
          delegate.sendAsync(
              outgoing,
              new CountingBodyHandler<>(responseBodyHandler, exchange),
              pushPromiseHandler);
    } catch (RuntimeException | Error e) {
      exchange.exchangeDone(null, e);
      throw e;
    }
    CancelPropagating<HttpResponse<T>> result = new CancelPropagating<>(sent);
    sent.whenComplete(
        (response, failure) -> {
          exchange.exchangeDone(response, failure);
          if (failure != null) {
            result.completeExceptionally(failure);
          } else {
            result.complete(response);
          }
        });
    return result;
  }

  /** The request with the propagation headers and a counting body publisher. */
  private HttpRequest outgoing(HttpRequest request, ClientExchange exchange) {
    try {
      HttpRequest.Builder builder = HttpRequest.newBuilder(request, (name, value) -> true);
      Optional<HttpRequest.BodyPublisher> body = request.bodyPublisher();
      if (body.isPresent()) {
        builder.method(request.method(), new CountingBodyPublisher(body.get(), exchange));
      }
      if (exchange.operation() != null) {
        // the agent, when present, injects its own client span's context: inject only without it
        try (Scope ignored = exchange.makeCurrent()) {
          config.tracer.inject(builder, HttpRequest.Builder::setHeader);
        }
      }
      return builder.build();
    } catch (RuntimeException e) {
      ClientExchange.logOnce("could not rebuild the request; sent it as given", e);
      return request;
    }
  }

  /** A future whose cancellation cancels the exchange's own future. */
  private static final class CancelPropagating<T> extends CompletableFuture<T> {
    private final CompletableFuture<?> upstream;

    CancelPropagating(CompletableFuture<?> upstream) {
      this.upstream = upstream;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean cancelled = super.cancel(mayInterruptIfRunning);
      upstream.cancel(mayInterruptIfRunning);
      return cancelled;
    }
  }

  @Override
  public Optional<CookieHandler> cookieHandler() {
    return delegate.cookieHandler();
  }

  @Override
  public Optional<Duration> connectTimeout() {
    return delegate.connectTimeout();
  }

  @Override
  public Redirect followRedirects() {
    return delegate.followRedirects();
  }

  @Override
  public Optional<ProxySelector> proxy() {
    return delegate.proxy();
  }

  @Override
  public SSLContext sslContext() {
    return delegate.sslContext();
  }

  @Override
  public SSLParameters sslParameters() {
    return delegate.sslParameters();
  }

  @Override
  public Optional<Authenticator> authenticator() {
    return delegate.authenticator();
  }

  @Override
  public Version version() {
    return delegate.version();
  }

  @Override
  public Optional<Executor> executor() {
    return delegate.executor();
  }

  @Override
  public WebSocket.Builder newWebSocketBuilder() {
    return delegate.newWebSocketBuilder();
  }

  @Override
  public String toString() {
    return "PerfTrace(" + delegate + ")";
  }
}

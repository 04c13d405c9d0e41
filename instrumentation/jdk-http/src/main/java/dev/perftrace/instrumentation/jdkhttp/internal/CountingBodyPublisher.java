package dev.perftrace.instrumentation.jdkhttp.internal;

import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;

/**
 * A request body publisher that counts each buffer handed to the HTTP client as sent bytes.
 * Internal: not API.
 *
 * <p>Thread safety: as the wrapped publisher; each subscription's signals are serialized.
 */
final class CountingBodyPublisher implements HttpRequest.BodyPublisher {
  private final HttpRequest.BodyPublisher delegate;
  private final ClientExchange exchange;

  CountingBodyPublisher(HttpRequest.BodyPublisher delegate, ClientExchange exchange) {
    this.delegate = delegate;
    this.exchange = exchange;
  }

  @Override
  public long contentLength() {
    return delegate.contentLength();
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
    delegate.subscribe(new Counting(subscriber, exchange));
  }

  private static final class Counting implements Flow.Subscriber<ByteBuffer> {
    private final Flow.Subscriber<? super ByteBuffer> downstream;
    private final ClientExchange exchange;

    Counting(Flow.Subscriber<? super ByteBuffer> downstream, ClientExchange exchange) {
      this.downstream = downstream;
      this.exchange = exchange;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      downstream.onSubscribe(subscription);
    }

    @Override
    public void onNext(ByteBuffer item) {
      try {
        exchange.requestBytes(item.remaining());
      } catch (RuntimeException e) {
        ClientExchange.logOnce("counting request bytes failed", e);
      }
      downstream.onNext(item);
    }

    @Override
    public void onError(Throwable throwable) {
      downstream.onError(throwable);
    }

    @Override
    public void onComplete() {
      downstream.onComplete();
    }
  }
}

package dev.perftrace.instrumentation.jdkhttp.internal;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A response body handler whose subscriber counts each buffer as received bytes and tells the
 * exchange when the body is done (complete, failed, or cancelled by the consumer, as closing an
 * {@code ofInputStream} body does). Internal: not API.
 *
 * <p>Thread safety: as the wrapped handler; the subscriber's signals are serialized.
 */
final class CountingBodyHandler<T> implements HttpResponse.BodyHandler<T> {
  private final HttpResponse.BodyHandler<T> delegate;
  private final ClientExchange exchange;

  CountingBodyHandler(HttpResponse.BodyHandler<T> delegate, ClientExchange exchange) {
    this.delegate = delegate;
    this.exchange = exchange;
  }

  @Override
  public HttpResponse.BodySubscriber<T> apply(HttpResponse.ResponseInfo responseInfo) {
    HttpResponse.BodySubscriber<T> subscriber = delegate.apply(responseInfo);
    exchange.responseStarted(responseInfo);
    return new Subscriber<>(subscriber, exchange);
  }

  private static final class Subscriber<T>
      implements HttpResponse.BodySubscriber<T>, Flow.Subscription {
    private final HttpResponse.BodySubscriber<T> downstream;
    private final ClientExchange exchange;
    private final AtomicBoolean done = new AtomicBoolean();
    private volatile Flow.Subscription upstream;

    Subscriber(HttpResponse.BodySubscriber<T> downstream, ClientExchange exchange) {
      this.downstream = downstream;
      this.exchange = exchange;
    }

    @Override
    public CompletionStage<T> getBody() {
      return downstream.getBody();
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      upstream = subscription;
      downstream.onSubscribe(this);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      try {
        long bytes = 0;
        for (int i = 0, n = items.size(); i < n; i++) {
          bytes += items.get(i).remaining();
        }
        exchange.responseBytes(bytes);
      } catch (RuntimeException e) {
        ClientExchange.logOnce("counting response bytes failed", e);
      }
      downstream.onNext(items);
    }

    @Override
    public void onError(Throwable throwable) {
      done();
      downstream.onError(throwable);
    }

    @Override
    public void onComplete() {
      done();
      downstream.onComplete();
    }

    @Override
    public void request(long n) {
      upstream.request(n);
    }

    @Override
    public void cancel() {
      upstream.cancel();
      done();
    }

    private void done() {
      if (done.compareAndSet(false, true)) {
        exchange.bodyDone();
      }
    }
  }
}

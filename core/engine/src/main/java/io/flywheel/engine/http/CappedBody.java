package io.flywheel.engine.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/** Collects a response body up to a byte cap, giving up (and cancelling the stream) as soon as it is passed. */
final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {

    /** The body passed the cap; {@code declared} when the Content-Length header already said so. */
    static final class TooLarge extends IOException {
        TooLarge(String message) {
            super(message);
        }
    }

    private final long cap;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private Flow.Subscription subscription;
    private boolean done;

    private CappedBody(long cap) {
        this.cap = cap;
    }

    static HttpResponse.BodyHandler<byte[]> handler(long cap) {
        return info -> {
            long declared = info.headers().firstValueAsLong("content-length").orElse(-1);
            CappedBody body = new CappedBody(cap);
            if (declared > cap) {
                body.fail(new TooLarge("Content-Length " + declared + " is over the " + cap + "-byte cap (http.max-bytes)"));
            }
            return body;
        };
    }

    private synchronized void fail(Throwable t) {
        done = true;
        if (subscription != null) {
            subscription.cancel();
        }
        result.completeExceptionally(t);
    }

    @Override
    public synchronized void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (done) {
            s.cancel();
        } else {
            s.request(Long.MAX_VALUE);
        }
    }

    @Override
    public synchronized void onNext(List<ByteBuffer> items) {
        if (done) {
            return;
        }
        for (ByteBuffer b : items) {
            if (out.size() + (long) b.remaining() > cap) {
                fail(new TooLarge("response larger than the " + cap + "-byte cap (http.max-bytes)"));
                return;
            }
            byte[] chunk = new byte[b.remaining()];
            b.get(chunk);
            out.writeBytes(chunk);
        }
    }

    @Override
    public synchronized void onError(Throwable t) {
        done = true;
        result.completeExceptionally(t);
    }

    @Override
    public synchronized void onComplete() {
        done = true;
        result.complete(out.toByteArray());
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return result;
    }
}

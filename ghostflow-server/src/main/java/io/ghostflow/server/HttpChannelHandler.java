package io.ghostflow.server;

import io.ghostflow.server.http.Request;
import io.ghostflow.server.http.Response;
import io.ghostflow.server.http.Routes;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AttributeKey;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Dispatches each request from the I/O thread: routes decide where their work runs (inference of
 * a small, fast model runs right here, batched inference goes to the batcher, everything that may
 * block goes to a virtual thread), so the common case has no thread hand-off at all. Requests of
 * one connection run in order, so pipelined responses keep their order.
 */
@ChannelHandler.Sharable
final class HttpChannelHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final AttributeKey<CompletableFuture<Void>> TAIL = AttributeKey.valueOf("ghostflow.tail");
    private final Routes routes;
    private final Executor executor;
    private final AtomicInteger inFlight;
    private volatile boolean draining;
    private volatile long lastRequestNanos = System.nanoTime();

    HttpChannelHandler(Routes routes, Executor executor, AtomicInteger inFlight) {
        this.routes = routes;
        this.executor = executor;
        this.inFlight = inFlight;
    }

    void drain() {
        draining = true;
    }

    long lastRequestNanos() {
        return lastRequestNanos;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        long received = System.nanoTime();
        lastRequestNanos = received;
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        if (req.decoderResult().isFailure()) {
            write(ctx, Response.error(400, "malformed HTTP request: " + req.decoderResult().cause()), false, false);
            return;
        }
        inFlight.incrementAndGet();
        req.retain();
        String uri = req.uri();
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        Request request = new Request(req.method().name(), path, req.headers(), req.content(), received, task -> {
            try {
                ctx.executor().execute(task);
            } catch (RejectedExecutionException e) {
                task.run(); // the I/O thread is shutting down: finish here rather than leave the request hanging
            }
        });
        boolean head = req.method() == HttpMethod.HEAD;
        var attr = ctx.channel().attr(TAIL);
        CompletableFuture<Void> tail = attr.get();
        if (tail == null || tail.isDone()) {
            CompletableFuture<Void> done = serve(ctx, req, request, keepAlive, head);
            attr.set(done.isDone() ? null : done);
        } else {
            // an earlier request of this connection is still running: this one waits its turn
            attr.set(tail.thenComposeAsync(v -> serve(ctx, req, request, keepAlive, head), ctx.executor()));
        }
    }

    /** Dispatches one request and writes its response when ready; the future completes once written. */
    private CompletableFuture<Void> serve(ChannelHandlerContext ctx, FullHttpRequest req, Request request, boolean keepAlive, boolean head) {
        CompletableFuture<Response> f;
        try {
            f = routes.dispatch(request, executor);
        } catch (Throwable e) {
            f = CompletableFuture.completedFuture(Response.error(500, "internal error: " + e));
        }
        if (f.isDone()) {
            finish(ctx, req, f.join(), keepAlive, head);
            return CompletableFuture.completedFuture(null);
        }
        return f.handle((r, e) -> {
            finish(ctx, req, r != null ? r : Response.error(500, "internal error: " + e), keepAlive, head);
            return null;
        });
    }

    private void finish(ChannelHandlerContext ctx, FullHttpRequest req, Response r, boolean keepAlive, boolean head) {
        try {
            write(ctx, r, keepAlive && !draining, head);
        } finally {
            req.release();
            inFlight.decrementAndGet();
        }
    }

    static void write(ChannelHandlerContext ctx, Response r, boolean keepAlive, boolean head) {
        FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(r.status()),
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(r.body()));
        var h = resp.headers();
        if (r.contentType() != null) {
            h.set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
        }
        r.headers().forEach(h::set);
        h.setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
        if (keepAlive) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(resp, ctx.voidPromise());
        } else {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}

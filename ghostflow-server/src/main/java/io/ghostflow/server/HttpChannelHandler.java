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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hands each request to a virtual thread (never runs routes on the event loop) and writes the
 * response back. Requests of one connection run in order, so pipelined responses keep their order.
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
        Request request = new Request(req.method().name(), path, req.headers(), req.content(), received);
        boolean head = req.method() == HttpMethod.HEAD;
        Runnable task = () -> {
            try {
                Response r = routes.dispatch(request);
                write(ctx, r, keepAlive && !draining, head);
            } catch (Throwable e) {
                write(ctx, Response.error(500, "internal error: " + e), false, head);
            } finally {
                req.release();
                inFlight.decrementAndGet();
            }
        };
        var attr = ctx.channel().attr(TAIL);
        CompletableFuture<Void> tail = attr.get();
        attr.set(tail == null || tail.isDone() ? CompletableFuture.runAsync(task, executor) : tail.thenRunAsync(task, executor));
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

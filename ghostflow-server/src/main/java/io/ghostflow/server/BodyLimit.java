package io.ghostflow.server;

import io.ghostflow.server.http.Response;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;

/** Aggregates request bodies up to the limit; a larger one gets 413 with the protocol's error object, then the connection closes. */
final class BodyLimit extends HttpObjectAggregator {
    private final int max;

    BodyLimit(int max) {
        super(max, true);
        this.max = max;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        HttpChannelHandler.write(ctx, Response.error(413, "request body larger than the limit of " + max + " bytes"), false, false);
    }
}

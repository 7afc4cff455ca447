package io.ghostflow.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;

/** An HTTP request as routes see it. {@code body} is valid only while the route runs. */
public record Request(String method, String path, HttpHeaders headers, ByteBuf body, long receivedNanos) {
    public String header(String name) {
        return headers.get(name);
    }
}

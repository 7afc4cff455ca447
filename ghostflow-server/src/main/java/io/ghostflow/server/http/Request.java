package io.ghostflow.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.concurrent.Executor;

/**
 * An HTTP request as routes see it. {@code body} is valid only until the response is ready;
 * {@code io} runs short tasks on the connection's I/O thread (e.g. building a response there
 * rather than on a batcher thread).
 */
public record Request(String method, String path, HttpHeaders headers, ByteBuf body, long receivedNanos, Executor io) {
    public String header(String name) {
        return headers.get(name);
    }
}

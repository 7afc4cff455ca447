package io.ghostflow.bench.serve;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Arrays;

/**
 * The load generator: ONE thread drives all keep-alive connections through a selector, each with
 * one prebuilt request in flight at a time. A thread per connection would cost a context switch
 * per request on the same two cores the server runs on; here the client's cost per request is a
 * write, a read and a scan of the response head.
 */
final class NioLoadClient {
    /** Completed requests, failures and the latency of every successful request (ns, unsorted). */
    record Outcome(int count, long errors, double seconds, long[] latencies) {
    }

    private NioLoadClient() {
    }

    /** The bytes of a keep-alive POST with a body and optional extra header line (without CRLF). */
    static byte[] request(String path, String host, byte[] payload, String extraHeader) {
        String head = "POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\nContent-Length: "
                + payload.length + "\r\n" + (extraHeader == null ? "" : extraHeader + "\r\n") + "\r\n";
        byte[] h = head.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] all = new byte[h.length + payload.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(payload, 0, all, h.length, payload.length);
        return all;
    }

    static Outcome run(int port, byte[] request, int clients, double seconds) throws IOException {
        long[] lat = new long[1 << 16];
        int n = 0;
        long errors = 0;
        try (Selector selector = Selector.open()) {
            Conn[] conns = new Conn[clients];
            for (int i = 0; i < clients; i++) {
                SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ch.configureBlocking(false);
                conns[i] = new Conn(ch, request);
                conns[i].key = ch.register(selector, SelectionKey.OP_READ, conns[i]);
            }
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            for (Conn c : conns) {
                c.send(System.nanoTime());
            }
            int open = clients;
            while (open > 0) {
                selector.select(100);
                long now = System.nanoTime();
                for (SelectionKey k : selector.selectedKeys()) {
                    Conn c = (Conn) k.attachment();
                    try {
                        if (k.isWritable()) {
                            c.flush();
                        }
                        if (k.isReadable()) {
                            int status = c.read();
                            if (status == 0) {
                                continue;
                            }
                            if (status == 200) {
                                if (n == lat.length) {
                                    lat = Arrays.copyOf(lat, n * 2);
                                }
                                lat[n++] = now - c.sentNs;
                            } else {
                                errors++;
                            }
                            if (now < end) {
                                c.send(now);
                            } else {
                                c.close();
                                open--;
                            }
                        }
                    } catch (IOException e) {
                        errors++;
                        c.close();
                        open--;
                    }
                }
                selector.selectedKeys().clear();
                if (now > end + 30_000_000_000L) {
                    errors += open; // requests that never came back
                    break;
                }
            }
            for (Conn c : conns) {
                c.close();
            }
            return new Outcome(n, errors, (System.nanoTime() - start) / 1e9, Arrays.copyOf(lat, n));
        }
    }

    /** One connection: the request to (re)send and the state of reading one response. */
    private static final class Conn {
        final SocketChannel ch;
        final ByteBuffer out;
        ByteBuffer in = ByteBuffer.allocate(1 << 16);
        SelectionKey key;
        long sentNs;
        int status;
        long bodyLeft = -1; // -1: still reading the head

        Conn(SocketChannel ch, byte[] request) {
            this.ch = ch;
            this.out = ByteBuffer.allocateDirect(request.length).put(request).flip();
        }

        void send(long now) throws IOException {
            sentNs = now;
            out.rewind();
            in.clear();
            bodyLeft = -1;
            flush();
        }

        void flush() throws IOException {
            ch.write(out);
            key.interestOps(out.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        }

        /** Reads what is there; the status once the whole response is in, else 0. */
        int read() throws IOException {
            int got = ch.read(in);
            if (got < 0) {
                throw new IOException("connection closed by the server");
            }
            if (bodyLeft < 0) {
                byte[] a = in.array();
                int end = headEnd(a, in.position());
                if (end < 0) {
                    if (!in.hasRemaining()) {
                        in = ByteBuffer.allocate(in.capacity() * 2).put(in.flip());
                    }
                    return 0;
                }
                status = (a[9] - '0') * 100 + (a[10] - '0') * 10 + (a[11] - '0');
                bodyLeft = contentLength(a, end) - (in.position() - end);
                in.clear();
            } else {
                bodyLeft -= got;
                in.clear();
            }
            return bodyLeft <= 0 ? status : 0;
        }

        void close() {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing after the run: nothing to do
            }
        }

        /** Index just past the blank line ending the head, or -1. */
        private static int headEnd(byte[] a, int n) {
            for (int i = 3; i < n; i++) {
                if (a[i] == '\n' && a[i - 1] == '\r' && a[i - 2] == '\n' && a[i - 3] == '\r') {
                    return i + 1;
                }
            }
            return -1;
        }

        private static long contentLength(byte[] a, int end) {
            byte[] name = "content-length:".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            outer:
            for (int i = 0; i + name.length < end; i++) {
                if (a[i] != '\n') {
                    continue;
                }
                for (int j = 0; j < name.length; j++) {
                    if (Character.toLowerCase(a[i + 1 + j]) != name[j]) {
                        continue outer;
                    }
                }
                long v = 0;
                for (int k = i + 1 + name.length; k < end && a[k] != '\r'; k++) {
                    if (a[k] >= '0' && a[k] <= '9') {
                        v = v * 10 + (a[k] - '0');
                    }
                }
                return v;
            }
            return 0;
        }
    }
}

package io.ghostflow.server;

import io.ghostflow.server.http.Routes;
import io.ghostflow.server.repository.ModelManager;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP server: Netty event loops for I/O, a virtual thread per request for the work, the
 * routes of {@link Routing#routing}. {@link #start} binds only after the caller has loaded the
 * initial models (KServe's default readiness probe is a TCP connect). {@link #stop} stops
 * accepting, lets in-flight requests finish (bounded), then closes everything.
 */
public final class GhostFlowServer implements AutoCloseable {
    private static final long QUIET_NANOS = 250_000_000L;
    private final ServerOptions options;
    private final ModelManager models;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final HttpChannelHandler handler;
    private final Channel serverChannel;
    private volatile boolean stopping;

    private GhostFlowServer(ServerOptions options, ModelManager models) throws InterruptedException {
        this.options = options;
        this.models = models;
        Routes routes = Routing.routing(models, options);
        this.handler = new HttpChannelHandler(routes, executor, inFlight);
        this.boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        this.workers = new MultiThreadIoEventLoopGroup(options.ioThreads(), NioIoHandler.newFactory());
        ServerBootstrap b = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        ch.pipeline().addLast(new HttpServerCodec(), new BodyLimit(options.maxBodyBytes()), handler);
                    }
                });
        try {
            this.serverChannel = b.bind(options.host(), options.port()).sync().channel();
        } catch (RuntimeException | InterruptedException e) {
            boss.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    /** Binds and starts serving {@code models} (load them first). */
    public static GhostFlowServer start(ServerOptions options, ModelManager models) {
        try {
            return new GhostFlowServer(options, models);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding", e);
        }
    }

    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** The base URL, e.g. {@code http://127.0.0.1:8080}. */
    public String url() {
        String host = options.host().equals("0.0.0.0") ? "localhost" : options.host();
        return "http://" + host + ":" + port();
    }

    public ModelManager models() {
        return models;
    }

    /** Requests being handled right now. */
    public int inFlight() {
        return inFlight.get();
    }

    /**
     * Graceful stop: closes the listening socket, lets requests already received finish (they
     * are answered with {@code Connection: close}), waits at most {@code drain}, then closes
     * connections, event loops and models. True when everything in flight finished in time.
     */
    public boolean stop(Duration drain) {
        synchronized (this) {
            if (stopping) {
                awaitStopped();
                return true;
            }
            stopping = true;
        }
        serverChannel.close().syncUninterruptibly();
        handler.drain();
        long end = System.nanoTime() + drain.toNanos();
        // Requests still arriving on open connections are served and answered with
        // "Connection: close", so clients leave on their own; a connection is cut only once it has
        // been quiet for a moment (or the drain time is up), so no request is lost to the cut.
        boolean idle = false;
        while (System.nanoTime() < end) {
            long quiet = System.nanoTime() - handler.lastRequestNanos();
            if (inFlight.get() == 0 && (connections.isEmpty() || quiet > QUIET_NANOS)) {
                idle = true;
                break;
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        connections.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        executor.shutdown();
        models.close();
        stopped.countDown();
        return idle;
    }

    /** Blocks until {@link #stop} has finished. */
    public void awaitStopped() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop(options.drainTimeout());
    }
}

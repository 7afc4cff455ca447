package io.ghostflow.server.endpoints;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.graph.ValueInfo;
import io.ghostflow.server.http.Request;
import io.ghostflow.server.http.Response;
import io.ghostflow.server.protocol.DataTypes;
import io.ghostflow.server.protocol.InferInput;
import io.ghostflow.server.protocol.InferRequest;
import io.ghostflow.server.protocol.InferRequestParser;
import io.ghostflow.server.protocol.InferResponseWriter;
import io.ghostflow.server.protocol.TensorData;
import io.ghostflow.server.repository.ModelManager;
import io.ghostflow.server.repository.ModelVersion;
import io.ghostflow.tensor.Tensor;
import io.netty.buffer.ByteBuf;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * {@code POST /v2/models/<m>[/versions/<v>]/infer}: JSON or binary-extension request in,
 * JSON or binary-extension response out, through the model version's dynamic batcher.
 */
public final class InferEndpoint {
    public static final String HEADER_LENGTH = "Inference-Header-Content-Length";
    /** Bodies up to this size may be parsed on the I/O thread (a few hundred microseconds at most). */
    static final int INLINE_BODY_BYTES = 256 << 10;
    /** Models whose runs average at most this long may run on the I/O thread. */
    static final long INLINE_RUN_NS = 1_000_000;
    private final ModelManager models;

    public InferEndpoint(ModelManager models) {
        this.models = models;
    }

    /**
     * Called on the I/O thread. A small request to a model whose runs are short is parsed and run
     * right here (no thread hand-off); with dynamic batching it is parsed here and queued, and the
     * response is written when its batch completes; anything else (large bodies, slow models,
     * no free instance) runs on {@code offload}.
     */
    public CompletableFuture<Response> infer(Request r, String name, String version, Executor offload) {
        ModelVersion mv = models.acquire(name, version);
        boolean small = r.body().readableBytes() <= INLINE_BODY_BYTES;
        long recent = mv.stats().recentRunNs();
        boolean batched = mv.batcher().options().batches();
        if (!small || (!batched && (recent < 0 || recent > INLINE_RUN_NS))) {
            BatcherTime bt = new BatcherTime();
            return CompletableFuture.supplyAsync(() -> completed(r, mv, bt, () -> {
                Parsed parsed = parse(r, mv);
                return respond(mv, parsed, bt.time(() -> mv.batcher().infer(parsed.feeds, parsed.timeout)));
            }), offload);
        }
        Parsed parsed;
        Map<String, Tensor> result;
        BatcherTime bt = new BatcherTime();
        try {
            parsed = parse(r, mv);
            if (batched) {
                // the response is built on the I/O thread, so the batcher goes straight on to its next batch
                long submitted = System.nanoTime();
                return mv.batcher().submit(parsed.feeds, parsed.timeout)
                        .whenComplete((out, e) -> bt.ns = System.nanoTime() - submitted) // on the batcher's thread
                        .handleAsync((out, e) -> completed(r, mv, bt, () -> {
                    if (e != null) {
                        throw asRuntime(e);
                    }
                    return respond(mv, parsed, out);
                }), r.io());
            }
            result = bt.time(() -> mv.batcher().tryRunNow(parsed.feeds, 2 * recent)); // waiting briefly beats a hand-off for runs this short
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(completed(r, mv, bt, () -> {
                throw e;
            }));
        }
        if (result == null) { // every instance busy: wait for one off the I/O thread
            return CompletableFuture.supplyAsync(() -> completed(r, mv, bt,
                            () -> respond(mv, parsed, bt.time(() -> mv.batcher().infer(parsed.feeds, parsed.timeout)))),
                    offload);
        }
        return CompletableFuture.completedFuture(completed(r, mv, bt, () -> respond(mv, parsed, result)));
    }

    private static RuntimeException asRuntime(Throwable e) {
        Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        return c instanceof RuntimeException re ? re : new GhostFlowException(ErrorCode.INTERNAL, "inference failed: " + c, c);
    }

    /**
     * Time a request spent inside the batcher (waiting for an instance or a batch, and running);
     * the rest of its end-to-end time is the server's own overhead (parsing, hand-offs, encoding).
     * Written by one thread before the request's completion step reads it.
     */
    private static final class BatcherTime {
        volatile long ns;

        <T> T time(java.util.function.Supplier<T> call) {
            long t0 = System.nanoTime();
            try {
                return call.get();
            } finally {
                ns += System.nanoTime() - t0; // a failed try-now wait, then the offloaded run
            }
        }
    }

    /** Runs the last step of a request, counts it as success or failure and releases the version. */
    private static Response completed(Request r, ModelVersion mv, BatcherTime bt, java.util.function.Supplier<Response> last) {
        try {
            Response resp = last.get();
            long total = System.nanoTime() - r.receivedNanos();
            mv.stats().success.add(total);
            mv.stats().overhead.add(total - bt.ns);
            return resp;
        } catch (RuntimeException e) {
            mv.stats().fail.add(System.nanoTime() - r.receivedNanos());
            throw e;
        } finally {
            mv.release();
        }
    }

    private record Parsed(InferRequest req, Map<String, Tensor> feeds, List<String> outputNames, Duration timeout) {
    }

    /** Reads and checks the request against the model; the body is not needed afterwards. */
    private static Parsed parse(Request r, ModelVersion mv) {
        ByteBuf body = r.body();
        int total = body.readableBytes();
        int jsonLength = total;
        String hl = r.header(HEADER_LENGTH);
        if (hl != null) {
            try {
                jsonLength = Integer.parseInt(hl.trim());
            } catch (NumberFormatException e) {
                throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, HEADER_LENGTH + " '" + hl + "' is not a number");
            }
            if (jsonLength < 0 || jsonLength > total) {
                throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, HEADER_LENGTH + " " + jsonLength + " exceeds the body of " + total + " bytes");
            }
        }
        InferRequest req = InferRequestParser.parse(body, body.readerIndex(), jsonLength);
        Map<String, ValueInfo> declared = new HashMap<>();
        mv.session().inputs().forEach(v -> declared.put(v.name(), v));
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        long offset = jsonLength;
        for (InferInput in : req.inputs()) {
            ValueInfo info = declared.get(in.name());
            if (info == null) {
                throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "unknown input '" + in.name() + "'; model '" + mv.name()
                        + "' has inputs " + declared.keySet());
            }
            if (info.type().elementType() != null && info.type().elementType() != in.dtype()) {
                throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "input '" + in.name() + "': datatype " + DataTypes.name(in.dtype())
                        + " does not match the model's " + DataTypes.name(info.type().elementType()));
            }
            Tensor t = in.tensor();
            if (in.isBinary()) {
                if (offset + in.binarySize() > total) {
                    throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "input '" + in.name() + "': binary_data_size " + in.binarySize()
                            + " runs past the end of the body (" + (total - offset) + " bytes left)");
                }
                t = binaryTensor(body, body.readerIndex() + (int) offset, in);
                offset += in.binarySize();
            }
            if (feeds.put(in.name(), t) != null) {
                throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "input '" + in.name() + "' is given twice");
            }
        }
        if (offset != total) {
            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, (total - offset) + " bytes of binary data follow the inputs that no input claims");
        }
        for (String n : declared.keySet()) {
            if (!feeds.containsKey(n)) {
                throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "missing input '" + n + "' of model '" + mv.name() + "'");
            }
        }
        List<String> outputNames = mv.session().outputs().stream().map(ValueInfo::name).toList();
        for (var o : req.outputs()) {
            if (!outputNames.contains(o.name())) {
                throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "unknown output '" + o.name() + "'; model '" + mv.name()
                        + "' has outputs " + outputNames);
            }
        }
        Duration timeout = req.timeoutMicros() > 0 ? Duration.ofNanos(req.timeoutMicros() * 1000) : null;
        return new Parsed(req, feeds, outputNames, timeout);
    }

    /**
     * The tensor of a binary input, copied once from the body's buffers. An aggregated body is a
     * composite buffer whose {@code nioBuffer} would first merge its components into a fresh heap
     * copy (600 KB for an image); walking the components copies each straight into the tensor.
     */
    private static Tensor binaryTensor(ByteBuf body, int index, InferInput in) {
        int size = (int) in.binarySize();
        if (in.dtype() == io.ghostflow.tensor.DType.STRING || body.nioBufferCount() == 1) {
            return TensorData.fromBytes(MemorySegment.ofBuffer(body.nioBuffer(index, size)), in.dtype(), in.shape(), in.name());
        }
        Tensor t = TensorData.forBytes(in.dtype(), in.shape(), in.name(), size);
        MemorySegment dst = t.segment();
        long at = 0;
        for (java.nio.ByteBuffer part : body.nioBuffers(index, size)) {
            MemorySegment src = MemorySegment.ofBuffer(part);
            MemorySegment.copy(src, 0, dst, at, src.byteSize());
            at += src.byteSize();
        }
        return t;
    }

    /** Builds the response from the model's outputs. */
    private static Response respond(ModelVersion mv, Parsed p, Map<String, Tensor> result) {
        InferRequest req = p.req;
        List<String> outputNames = p.outputNames;
        List<InferResponseWriter.Output> outs = new ArrayList<>();
        if (req.outputs().isEmpty()) {
            for (String n : outputNames) {
                outs.add(new InferResponseWriter.Output(n, result.get(n), req.binaryDataOutput()));
            }
        } else {
            for (var o : req.outputs()) {
                boolean binary = o.binaryData() != null ? o.binaryData() : req.binaryDataOutput();
                outs.add(new InferResponseWriter.Output(o.name(), result.get(o.name()), binary));
            }
        }
        var written = InferResponseWriter.write(mv.name(), mv.version(), req.id(), outs);
        if (written.hasBinary()) {
            return new Response(200, "application/octet-stream", written.body(),
                    Map.of(HEADER_LENGTH, Integer.toString(written.jsonLength())));
        }
        return Response.json(200, written.body());
    }
}

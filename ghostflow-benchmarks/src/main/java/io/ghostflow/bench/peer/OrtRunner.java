package io.ghostflow.bench.peer;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.ghostflow.tensor.Tensor;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** ONNX Runtime (Java) as the yardstick: same model, same intra-op threads, ALL_OPT, one inter-op thread. */
final class OrtRunner implements AutoCloseable {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final Map<String, OnnxTensor> inputs = new LinkedHashMap<>();

    OrtRunner(Path model, int threads) throws OrtException {
        this(model, threads, null);
    }

    /** With profilePrefix non-null, ONNX Runtime's profiler records every run (see {@link #endProfiling}). */
    OrtRunner(Path model, int threads, Path profilePrefix) throws OrtException {
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            o.setIntraOpNumThreads(threads);
            o.setInterOpNumThreads(1);
            o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            if (profilePrefix != null) {
                o.enableProfiling(profilePrefix.toString());
            }
            session = env.createSession(model.toString(), o);
        }
    }

    /** Stops the profiler and returns the JSON file it wrote. */
    Path endProfiling() throws OrtException {
        return Path.of(session.endProfiling());
    }

    void setInputs(Map<String, Tensor> feeds) throws OrtException {
        for (var e : feeds.entrySet()) {
            Tensor t = e.getValue();
            long[] shape = java.util.Arrays.stream(t.shape()).asLongStream().toArray();
            OnnxTensor ot = switch (t.dtype()) {
                case FLOAT -> OnnxTensor.createTensor(env, FloatBuffer.wrap(t.floats()), shape);
                case INT64 -> OnnxTensor.createTensor(env, LongBuffer.wrap(t.longs()), shape);
                case INT32 -> OnnxTensor.createTensor(env, IntBuffer.wrap(t.ints()), shape);
                default -> throw new IllegalArgumentException("peer bench: input type " + t.dtype() + " not supported");
            };
            inputs.put(e.getKey(), ot);
        }
    }

    /** Runs and returns float outputs (others converted), for the agreement check. */
    List<float[]> run() throws OrtException {
        try (OrtSession.Result r = session.run(inputs)) {
            List<float[]> out = new ArrayList<>();
            for (var e : r) {
                OnnxValue v = e.getValue();
                if (v instanceof OnnxTensor t && t.getInfo().type == ai.onnxruntime.OnnxJavaType.FLOAT) {
                    FloatBuffer fb = t.getFloatBuffer();
                    float[] a = new float[fb.remaining()];
                    fb.get(a);
                    out.add(a);
                } else {
                    out.add(new float[0]);
                }
            }
            return out;
        }
    }


    @Override
    public void close() throws OrtException {
        for (OnnxTensor t : inputs.values()) {
            t.close();
        }
        session.close();
    }
}

package io.ghostflow.bench.peer;

import io.ghostflow.runtime.check.TestDataSet;
import io.ghostflow.runtime.graph.Dim;
import io.ghostflow.runtime.graph.ValueInfo;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Random inputs for a model. Symbolic batch dimensions take the requested batch; other symbolic
 * dimensions (sequence length) and the value range of integer inputs (token ids, masks) come
 * from the model folder's test_data_set_0 when there is one, so the inputs are valid for it.
 */
public final class ModelInputs {
    private ModelInputs() {
    }

    public static Map<String, Tensor> random(Path modelFile, List<ValueInfo> inputs, int batch, long seed) {
        Path set = modelFile.toAbsolutePath().getParent().resolve("test_data_set_0");
        Map<String, Value> reference = Map.of();
        if (Files.isDirectory(set)) {
            reference = TestDataSet.read(set, inputs, List.of()).inputs();
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (ValueInfo in : inputs) {
            Tensor ref = reference.get(in.name()) instanceof Tensor t ? t : null;
            List<Dim> dims = in.type().shape();
            int[] shape = new int[dims == null ? 0 : dims.size()];
            for (int i = 0; i < shape.length; i++) {
                Dim d = dims.get(i);
                shape[i] = d.isFixed() ? (int) d.value() : i == 0 ? batch : ref != null ? ref.dim(i) : 1;
            }
            DType type = in.type().elementType();
            Tensor t = Tensor.zeros(type, shape);
            long lo = 0;
            long hi = 2;
            if (ref != null && type.isInteger()) {
                lo = Long.MAX_VALUE;
                hi = Long.MIN_VALUE;
                for (int i = 0; i < ref.size(); i++) {
                    lo = Math.min(lo, ref.getLong(i));
                    hi = Math.max(hi, ref.getLong(i) + 1);
                }
            }
            for (int i = 0; i < t.size(); i++) {
                if (type.isFloatingPoint()) {
                    t.setDouble(i, rnd.nextDouble() * 2 - 1);
                } else {
                    t.setLong(i, lo + rnd.nextLong(Math.max(1, hi - lo)));
                }
            }
            out.put(in.name(), t);
        }
        return out;
    }
}

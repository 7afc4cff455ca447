package io.ghostflow.nn.export;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.nn.Module;
import io.ghostflow.nn.autograd.Var;
import io.ghostflow.runtime.graph.Model;
import io.ghostflow.runtime.graph.ModelLoader;
import io.ghostflow.tensor.Tensor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Loads trained parameters back into a module from an exported ONNX file: the ONNX file is the
 * save format. Every parameter and buffer must be present with the right shape.
 */
public final class ParameterLoader {
    private ParameterLoader() {
    }

    public static <M extends Module> M load(M module, Path onnxFile) {
        return load(module, ModelLoader.load(onnxFile));
    }

    public static <M extends Module> M load(M module, Model model) {
        Map<String, Tensor> init = model.graph().initializers();
        for (Map.Entry<String, Var> e : module.namedState().entrySet()) {
            Tensor t = init.get(e.getKey());
            Var v = e.getValue();
            if (t == null) {
                throw new GhostFlowException(ErrorCode.NOT_FOUND, "the model has no initializer '" + e.getKey() + "' for this module");
            }
            if (!Arrays.equals(t.shape(), v.shape())) {
                throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "initializer '" + e.getKey() + "' has shape "
                        + Arrays.toString(t.shape()) + ", the module expects " + Arrays.toString(v.shape()));
            }
            System.arraycopy(t.asFloats(), 0, v.data(), 0, v.size());
        }
        module.markInitialized();
        return module;
    }
}

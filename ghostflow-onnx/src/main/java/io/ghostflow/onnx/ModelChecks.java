package io.ghostflow.onnx;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.onnx.proto.Onnx.ModelProto;

/** Structural checks that separate "a protobuf" from "an ONNX model". */
final class ModelChecks {
    private ModelChecks() {
    }

    static void checkModel(ModelProto model, String what) {
        if (!model.hasGraph()) {
            throw new GhostFlowException(ErrorCode.INVALID_FORMAT, what + " is not an ONNX model: it has no graph");
        }
        if (model.getIrVersion() < 3) {
            throw new GhostFlowException(ErrorCode.INVALID_FORMAT,
                    what + ": ir_version " + model.getIrVersion() + " is not supported (need 3 or newer)");
        }
        if (model.getOpsetImportCount() == 0) {
            throw new GhostFlowException(ErrorCode.INVALID_FORMAT, what + ": the model imports no opset");
        }
    }
}

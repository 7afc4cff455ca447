package io.ghostflow.onnx;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.onnx.proto.Onnx.ModelProto;
import io.ghostflow.onnx.proto.Onnx.OperatorSetIdProto;
import java.util.HashSet;
import java.util.Set;

/**
 * Structural checks that separate "a protobuf" from "an ONNX model". Graph-level checks
 * (cycles, undefined inputs) belong to the runtime.
 */
final class ModelChecks {
    private ModelChecks() {
    }

    static void checkModel(ModelProto model, String what) {
        if (!model.hasGraph()) {
            throw invalid(what + " is not an ONNX model: it has no graph");
        }
        if (model.getIrVersion() < 3) {
            throw invalid(what + ": ir_version " + model.getIrVersion() + " is not supported (need 3 or newer)");
        }
        if (model.getOpsetImportCount() == 0) {
            throw invalid(what + ": the model imports no opset");
        }
        Set<String> domains = new HashSet<>();
        for (OperatorSetIdProto op : model.getOpsetImportList()) {
            // "" and "ai.onnx" name the same default domain
            String domain = op.getDomain().equals("ai.onnx") ? "" : op.getDomain();
            if (!domains.add(domain)) {
                throw invalid(what + ": opset domain '" + op.getDomain() + "' is imported twice");
            }
            if (op.getVersion() < 1) {
                throw invalid(what + ": opset domain '" + op.getDomain() + "' has version " + op.getVersion());
            }
        }
    }

    private static GhostFlowException invalid(String message) {
        return new GhostFlowException(ErrorCode.INVALID_FORMAT, message);
    }
}

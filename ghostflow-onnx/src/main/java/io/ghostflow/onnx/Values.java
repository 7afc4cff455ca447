package io.ghostflow.onnx;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.onnx.proto.Onnx.OptionalProto;
import io.ghostflow.onnx.proto.Onnx.SequenceProto;
import io.ghostflow.onnx.proto.Onnx.SparseTensorProto;
import io.ghostflow.onnx.proto.Onnx.TensorProto;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.OptionalValue;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.TensorSequence;
import io.ghostflow.tensor.Value;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** SequenceProto and OptionalProto (the value files of the ONNX test suite) -> GhostFlow values. */
final class Values {
    // elem_type numbers shared by SequenceProto.DataType and OptionalProto.DataType
    private static final int UNDEFINED = 0;
    private static final int TENSOR = 1;
    private static final int SPARSE_TENSOR = 2;
    private static final int SEQUENCE = 3;
    private static final int MAP = 4;
    private static final int OPTIONAL = 5;

    private Values() {
    }

    static TensorSequence sequence(SequenceProto s, Path baseDir) {
        String what = "sequence '" + s.getName() + "'";
        int kind = s.getElemType();
        if (kind == UNDEFINED) {
            // files from older writers leave elem_type unset; go by what is present
            kind = s.getSparseTensorValuesCount() > 0 ? SPARSE_TENSOR : s.getSequenceValuesCount() > 0 ? SEQUENCE
                    : s.getMapValuesCount() > 0 ? MAP : s.getOptionalValuesCount() > 0 ? OPTIONAL : TENSOR;
        }
        List<Tensor> tensors = new ArrayList<>();
        switch (kind) {
            case TENSOR -> {
                for (TensorProto t : s.getTensorValuesList()) {
                    tensors.add(TensorProtos.toTensor(t, baseDir));
                }
            }
            case SPARSE_TENSOR -> {
                for (SparseTensorProto t : s.getSparseTensorValuesList()) {
                    tensors.add(TensorProtos.fromSparse(t, baseDir));
                }
            }
            case SEQUENCE, MAP, OPTIONAL -> throw new GhostFlowException(ErrorCode.NOT_IMPLEMENTED,
                    what + ": sequences of " + kindName(kind) + " have no GhostFlow value type");
            default -> throw ProtoShapes.invalid(what + ": unknown elem_type " + kind);
        }
        DType dtype = tensors.isEmpty() ? DType.FLOAT : tensors.getFirst().dtype();
        for (int i = 1; i < tensors.size(); i++) {
            if (tensors.get(i).dtype() != dtype) {
                throw ProtoShapes.invalid(what + ": element " + i + " is " + tensors.get(i).dtype() + ", element 0 is " + dtype);
            }
        }
        return new TensorSequence(dtype, tensors);
    }

    static Value optional(OptionalProto o, Path baseDir) {
        String what = "optional '" + o.getName() + "'";
        int kind = o.getElemType();
        if (kind == UNDEFINED) {
            kind = o.hasTensorValue() ? TENSOR : o.hasSparseTensorValue() ? SPARSE_TENSOR : o.hasSequenceValue() ? SEQUENCE
                    : o.hasMapValue() ? MAP : o.hasOptionalValue() ? OPTIONAL : UNDEFINED;
        }
        return switch (kind) {
            case UNDEFINED -> OptionalValue.EMPTY;
            case TENSOR -> o.hasTensorValue() ? new OptionalValue(TensorProtos.toTensor(o.getTensorValue(), baseDir))
                    : OptionalValue.EMPTY;
            case SPARSE_TENSOR -> o.hasSparseTensorValue()
                    ? new OptionalValue(TensorProtos.fromSparse(o.getSparseTensorValue(), baseDir)) : OptionalValue.EMPTY;
            case SEQUENCE -> o.hasSequenceValue() ? new OptionalValue(sequence(o.getSequenceValue(), baseDir))
                    : OptionalValue.EMPTY;
            case OPTIONAL -> o.hasOptionalValue() ? new OptionalValue(optional(o.getOptionalValue(), baseDir))
                    : OptionalValue.EMPTY;
            case MAP -> throw new GhostFlowException(ErrorCode.NOT_IMPLEMENTED, what + ": maps have no GhostFlow value type");
            default -> throw ProtoShapes.invalid(what + ": unknown elem_type " + kind);
        };
    }

    private static String kindName(int kind) {
        return switch (kind) {
            case SEQUENCE -> "sequences";
            case MAP -> "maps";
            default -> "optionals";
        };
    }
}

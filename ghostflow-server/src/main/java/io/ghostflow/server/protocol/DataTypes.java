package io.ghostflow.server.protocol;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.tensor.DType;

/** The Open Inference Protocol's datatype names and GhostFlow's element types. */
public final class DataTypes {
    private DataTypes() {
    }

    /** The V2 name of {@code t} ("FP32", "INT64", ...). */
    public static String name(DType t) {
        return switch (t) {
            case BOOL -> "BOOL";
            case UINT8 -> "UINT8";
            case UINT16 -> "UINT16";
            case UINT32 -> "UINT32";
            case UINT64 -> "UINT64";
            case INT8 -> "INT8";
            case INT16 -> "INT16";
            case INT32 -> "INT32";
            case INT64 -> "INT64";
            case FLOAT16 -> "FP16";
            case FLOAT -> "FP32";
            case DOUBLE -> "FP64";
            case BFLOAT16 -> "BF16";
            case STRING -> "BYTES";
            default -> throw new GhostFlowException(ErrorCode.NOT_IMPLEMENTED, "element type " + t + " has no Open Inference Protocol datatype");
        };
    }

    /** The element type for V2 datatype {@code name}; INVALID_ARGUMENT naming {@code input} when unknown. */
    public static DType of(String name, String input) {
        return switch (name) {
            case "BOOL" -> DType.BOOL;
            case "UINT8" -> DType.UINT8;
            case "UINT16" -> DType.UINT16;
            case "UINT32" -> DType.UINT32;
            case "UINT64" -> DType.UINT64;
            case "INT8" -> DType.INT8;
            case "INT16" -> DType.INT16;
            case "INT32" -> DType.INT32;
            case "INT64" -> DType.INT64;
            case "FP16" -> DType.FLOAT16;
            case "FP32" -> DType.FLOAT;
            case "FP64" -> DType.DOUBLE;
            case "BF16" -> DType.BFLOAT16;
            case "BYTES" -> DType.STRING;
            default -> throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "input '" + input + "': unknown datatype '" + name + "'");
        };
    }
}

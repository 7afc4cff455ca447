package io.ghostflow.tensor;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;

/**
 * Element types, numbered as ONNX's {@code TensorProto.DataType}. Sub-byte and 8-bit float
 * types are stored unpacked, one element per byte ({@link #storageBytes()}), so that every
 * element is addressable; the ONNX layer packs and unpacks them at the file boundary.
 */
public enum DType {
    FLOAT(1, 4, Kind.FLOAT, true),
    UINT8(2, 1, Kind.INT, false),
    INT8(3, 1, Kind.INT, true),
    UINT16(4, 2, Kind.INT, false),
    INT16(5, 2, Kind.INT, true),
    INT32(6, 4, Kind.INT, true),
    INT64(7, 8, Kind.INT, true),
    STRING(8, 0, Kind.OTHER, false),
    BOOL(9, 1, Kind.BOOL, false),
    FLOAT16(10, 2, Kind.FLOAT, true),
    DOUBLE(11, 8, Kind.FLOAT, true),
    UINT32(12, 4, Kind.INT, false),
    UINT64(13, 8, Kind.INT, false),
    COMPLEX64(14, 8, Kind.OTHER, true),
    COMPLEX128(15, 16, Kind.OTHER, true),
    BFLOAT16(16, 2, Kind.FLOAT, true),
    FLOAT8E4M3FN(17, 1, Kind.FLOAT, true),
    FLOAT8E4M3FNUZ(18, 1, Kind.FLOAT, true),
    FLOAT8E5M2(19, 1, Kind.FLOAT, true),
    FLOAT8E5M2FNUZ(20, 1, Kind.FLOAT, true),
    UINT4(21, 1, Kind.INT, false),
    INT4(22, 1, Kind.INT, true),
    FLOAT4E2M1(23, 1, Kind.FLOAT, true),
    FLOAT8E8M0(24, 1, Kind.FLOAT, false),
    UINT2(25, 1, Kind.INT, false),
    INT2(26, 1, Kind.INT, true);

    private enum Kind { FLOAT, INT, BOOL, OTHER }

    private static final DType[] BY_CODE = new DType[32];

    static {
        for (DType t : values()) {
            BY_CODE[t.onnxCode] = t;
        }
    }

    private final int onnxCode;
    private final int storageBytes;
    private final Kind kind;
    private final boolean signed;

    DType(int onnxCode, int storageBytes, Kind kind, boolean signed) {
        this.onnxCode = onnxCode;
        this.storageBytes = storageBytes;
        this.kind = kind;
        this.signed = signed;
    }

    /** The {@code TensorProto.DataType} number. */
    public int onnxCode() {
        return onnxCode;
    }

    /** Bytes one element takes in GhostFlow's memory (unpacked; 0 for STRING). */
    public int storageBytes() {
        return storageBytes;
    }

    public boolean isFloatingPoint() {
        return kind == Kind.FLOAT;
    }

    public boolean isInteger() {
        return kind == Kind.INT;
    }

    public boolean isBool() {
        return kind == Kind.BOOL;
    }

    public boolean isSigned() {
        return signed;
    }

    /** FLOAT8*, FLOAT4 and INT4/UINT4/INT2/UINT2: stored one per byte, computed through float or int. */
    public boolean isNarrow() {
        return onnxCode >= 17;
    }

    /** Numeric in the sense of arithmetic ops (everything but STRING, BOOL and complex). */
    public boolean isNumeric() {
        return kind == Kind.FLOAT || kind == Kind.INT;
    }

    public static DType fromOnnx(int code) {
        if (code <= 0 || code >= BY_CODE.length || BY_CODE[code] == null) {
            throw new GhostFlowException(ErrorCode.INVALID_FORMAT, "unknown tensor data type " + code);
        }
        return BY_CODE[code];
    }

    /** Lower-case ONNX spelling as used in type strings: {@code tensor(float)}. */
    public String onnxName() {
        return switch (this) {
            case FLOAT -> "float";
            case DOUBLE -> "double";
            case FLOAT16 -> "float16";
            case BFLOAT16 -> "bfloat16";
            default -> name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}

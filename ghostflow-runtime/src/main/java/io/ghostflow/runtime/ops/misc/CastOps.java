package io.ghostflow.runtime.ops.misc;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.ops.OpRegistry;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.NarrowFloats;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.Locale;

/**
 * Cast and CastLike between every pair of dtypes, including STRING (parsed / formatted),
 * the float8 types (honouring {@code saturate}, opset 19+), FLOAT8E8M0 ({@code round_mode},
 * opset 24+) and the sub-byte integer and float types.
 */
public final class CastOps {
    private CastOps() {
    }

    public static void register(OpRegistry r) {
        r.register("Cast", new int[] {1, 6, 9, 13, 19, 21, 23, 24, 25}, (node, cfg) -> {
            long code = node.requireInt("to");
            DType to = DType.fromOnnx((int) code);
            boolean saturate = node.getInt("saturate", 1) != 0;
            String roundMode = node.getString("round_mode", "up");
            return (ctx, in) -> {
                Tensor x = (Tensor) in[0];
                Tensor fast = CastKernels.fast(x, to, ctx::floatBuffer);
                return new Value[] {fast != null ? fast : cast(x, to, saturate, roundMode)};
            };
        });
        r.register("CastLike", new int[] {15, 19, 21, 23, 24, 25}, (node, cfg) -> {
            boolean saturate = node.getInt("saturate", 1) != 0;
            String roundMode = node.getString("round_mode", "up");
            return (ctx, in) -> {
                Tensor x = (Tensor) in[0];
                DType to = ((Tensor) in[1]).dtype();
                Tensor fast = CastKernels.fast(x, to, ctx::floatBuffer);
                return new Value[] {fast != null ? fast : cast(x, to, saturate, roundMode)};
            };
        });
    }

    /** Converts {@code x} to {@code to}. Integers wrap; float to integer truncates toward zero. */
    public static Tensor cast(Tensor x, DType to, boolean saturate, String roundMode) {
        DType from = x.dtype();
        int n = x.size();
        int[] shape = x.shape();
        if (from == to) {
            return x;
        }
        if (to == DType.STRING) {
            String[] out = new String[n];
            for (int i = 0; i < n; i++) {
                out[i] = format(x, i);
            }
            return Tensor.ofStrings(out, shape);
        }
        Tensor out = Tensor.zeros(to, shape);
        if (from == DType.STRING) {
            String[] s = x.strings();
            for (int i = 0; i < n; i++) {
                storeDouble(out, i, parse(s[i]), saturate, roundMode);
            }
            return out;
        }
        if (from == DType.FLOAT && to == DType.FLOAT16) {
            float[] a = x.floats();
            short[] o = out.shorts();
            for (int i = 0; i < n; i++) {
                o[i] = Float.floatToFloat16(a[i]);
            }
            return out;
        }
        if (from.isFloatingPoint() || to.isFloatingPoint()) {
            if (to.isInteger() && from.isFloatingPoint()) {
                for (int i = 0; i < n; i++) {
                    out.setLong(i, floatToLong(x.getDouble(i), to));
                }
            } else if (from == DType.INT64 || from == DType.UINT64) {
                for (int i = 0; i < n; i++) {
                    // through BigDecimal-free exact path: long -> double rounds once, like a C cast
                    storeDouble(out, i, x.getDouble(i), saturate, roundMode);
                }
            } else {
                for (int i = 0; i < n; i++) {
                    storeDouble(out, i, x.getDouble(i), saturate, roundMode);
                }
            }
            return out;
        }
        // integer / bool to integer / bool
        for (int i = 0; i < n; i++) {
            out.setLong(i, x.getLong(i));
        }
        return out;
    }

    /** Float to integer as a C cast, with NaN as 0 and saturation at the 64-bit range. */
    static long floatToLong(double v, DType to) {
        if (to == DType.UINT64 && v >= 0x1p63) {
            return v >= 0x1p64 ? -1L : (long) (v - 0x1p63) + Long.MIN_VALUE;
        }
        if (to == DType.UINT32 || to == DType.UINT16 || to == DType.UINT8) {
            return (long) v;
        }
        return (long) v;
    }

    static void storeDouble(Tensor out, int i, double v, boolean saturate, String roundMode) {
        DType t = out.dtype();
        switch (t) {
            case FLOAT8E4M3FN, FLOAT8E4M3FNUZ, FLOAT8E5M2, FLOAT8E5M2FNUZ ->
                    out.segment().set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, NarrowFloats.fromFloat(t, (float) v, saturate));
            case FLOAT8E8M0 -> out.segment().set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, toE8M0((float) v, saturate, roundMode));
            default -> {
                if (t.isInteger()) {
                    out.setLong(i, floatToLong(v, t));
                } else {
                    out.setDouble(i, v);
                }
            }
        }
    }

    /** FLOAT8E8M0 (a biased power-of-two exponent) with the ONNX rounding modes for the mantissa. */
    static byte toE8M0(float v, boolean saturate, String mode) {
        if (Float.isNaN(v) || v < 0 || (Float.isInfinite(v) && !saturate)) {
            return (byte) 0xff;
        }
        if (Float.isInfinite(v)) {
            return (byte) 0xfe;
        }
        int bits = Float.floatToRawIntBits(v);
        int exp = (bits >>> 23) & 0xff;
        int mant = bits & 0x7fffff;
        if (exp == 0) {
            // zero or subnormal: the smallest code 2^-127 is the nearest representable
            return 0;
        }
        switch (mode) {
            case "up" -> {
                if (mant != 0) {
                    exp++;
                }
            }
            case "down" -> {
            }
            case "nearest" -> {
                if (mant > 0x400000 || (mant == 0x400000 && (exp & 1) == 1)) {
                    exp++;
                }
            }
            default -> throw new GhostFlowException(ErrorCode.INVALID_GRAPH, "Cast: round_mode must be up, down or nearest, is '" + mode + "'");
        }
        if (exp > 0xfe) {
            return (byte) (saturate ? 0xfe : 0xff);
        }
        return (byte) exp;
    }

    static double parse(String s) {
        String t = s.trim();
        String l = t.toLowerCase(Locale.ROOT);
        return switch (l) {
            case "nan", "+nan", "-nan" -> Double.NaN;
            case "inf", "+inf", "infinity", "+infinity" -> Double.POSITIVE_INFINITY;
            case "-inf", "-infinity" -> Double.NEGATIVE_INFINITY;
            default -> {
                try {
                    yield Double.parseDouble(t);
                } catch (NumberFormatException e) {
                    throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "Cast: cannot parse '" + s + "' as a number");
                }
            }
        };
    }

    /** Formats like numpy's str(): shortest round-trip digits, integers without ".0", "nan", "inf". */
    static String format(Tensor x, int i) {
        DType t = x.dtype();
        if (t == DType.BOOL) {
            return x.getLong(i) != 0 ? "True" : "False";
        }
        if (t == DType.UINT64) {
            return Long.toUnsignedString(x.getLong(i));
        }
        if (!t.isFloatingPoint()) {
            return Long.toString(x.getLong(i));
        }
        double v = x.getDouble(i);
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "INF" : "-INF";
        }
        String s = t == DType.DOUBLE ? Double.toString(v) : Float.toString((float) v);
        if (s.endsWith(".0")) {
            s = s.substring(0, s.length() - 2);
        }
        return s.replace("E", "e");
    }
}

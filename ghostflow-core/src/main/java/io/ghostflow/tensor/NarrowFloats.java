package io.ghostflow.tensor;

import java.util.Arrays;

/**
 * Conversions for the 8-bit and 4-bit float types of ONNX (FLOAT8E4M3FN, FLOAT8E4M3FNUZ,
 * FLOAT8E5M2, FLOAT8E5M2FNUZ, FLOAT8E8M0, FLOAT4E2M1) and for BFLOAT16. Decoding is by table;
 * encoding rounds to nearest, ties to even, by binary search over the sorted positive codes,
 * which keeps every format's special cases (no infinity, NaN encodings, no negative zero) in
 * one place: the decode tables.
 */
public final class NarrowFloats {
    private NarrowFloats() {
    }

    private static final float[][] DECODE = new float[DType.values().length][];
    /** Sorted finite non-negative values and the codes that give them, per dtype. */
    private static final float[][] POS_VALUES = new float[DType.values().length][];
    private static final int[][] POS_CODES = new int[DType.values().length][];

    static {
        for (DType t : new DType[] {DType.FLOAT8E4M3FN, DType.FLOAT8E4M3FNUZ, DType.FLOAT8E5M2,
                DType.FLOAT8E5M2FNUZ, DType.FLOAT8E8M0, DType.FLOAT4E2M1}) {
            int codes = t == DType.FLOAT4E2M1 ? 16 : 256;
            float[] table = new float[codes];
            for (int c = 0; c < codes; c++) {
                table[c] = decode(t, c);
            }
            DECODE[t.ordinal()] = table;
            int signBit = codes == 16 ? 0x8 : 0x80;
            int n = 0;
            int[] cs = new int[codes];
            for (int c = 0; c < codes; c++) {
                boolean positive = t == DType.FLOAT8E8M0 || (c & signBit) == 0;
                if (positive && Float.isFinite(table[c])) {
                    cs[n++] = c;
                }
            }
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                order[i] = cs[i];
            }
            Arrays.sort(order, (a, b) -> Float.compare(table[a], table[b]));
            float[] vals = new float[n];
            int[] sortedCodes = new int[n];
            for (int i = 0; i < n; i++) {
                sortedCodes[i] = order[i];
                vals[i] = table[order[i]];
            }
            POS_VALUES[t.ordinal()] = vals;
            POS_CODES[t.ordinal()] = sortedCodes;
        }
    }

    private static float decode(DType t, int c) {
        return switch (t) {
            case FLOAT8E4M3FN -> {
                if ((c & 0x7f) == 0x7f) {
                    yield Float.NaN;
                }
                yield generic(c, 4, 3, 7);
            }
            case FLOAT8E4M3FNUZ -> c == 0x80 ? Float.NaN : generic(c, 4, 3, 8);
            case FLOAT8E5M2 -> {
                int e = (c >> 2) & 0x1f;
                if (e == 0x1f) {
                    yield (c & 3) == 0 ? ((c & 0x80) != 0 ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY) : Float.NaN;
                }
                yield generic(c, 5, 2, 15);
            }
            case FLOAT8E5M2FNUZ -> c == 0x80 ? Float.NaN : generic(c, 5, 2, 16);
            case FLOAT8E8M0 -> c == 0xff ? Float.NaN : (float) Math.pow(2, c - 127);
            case FLOAT4E2M1 -> {
                int sign = (c >> 3) & 1;
                int e = (c >> 1) & 3;
                int m = c & 1;
                float v = e == 0 ? m * 0.5f : (1 + m * 0.5f) * (float) Math.pow(2, e - 1);
                yield sign == 1 ? -v : v;
            }
            default -> throw new IllegalArgumentException(t.toString());
        };
    }

    private static float generic(int c, int expBits, int mantBits, int bias) {
        int sign = (c >> (expBits + mantBits)) & 1;
        int e = (c >> mantBits) & ((1 << expBits) - 1);
        int m = c & ((1 << mantBits) - 1);
        double v = e == 0 ? m * Math.pow(2, 1 - bias - mantBits) : (1 + m / (double) (1 << mantBits)) * Math.pow(2, e - bias);
        return (float) (sign == 1 ? -v : v);
    }

    /** Decodes one stored code. */
    public static float toFloat(DType t, byte code) {
        float[] table = DECODE[t.ordinal()];
        return table[code & (table.length - 1)];
    }

    /**
     * Encodes with round-to-nearest-even. With {@code saturate}, out-of-range finite values and
     * infinities clamp to the largest finite value (as ONNX Cast's saturate=1); without it they
     * become infinity where the format has one, else NaN.
     */
    public static byte fromFloat(DType t, float v, boolean saturate) {
        float[] vals = POS_VALUES[t.ordinal()];
        int[] codes = POS_CODES[t.ordinal()];
        boolean fourBit = t == DType.FLOAT4E2M1;
        int signBit = fourBit ? 0x8 : 0x80;
        if (Float.isNaN(v)) {
            return (byte) switch (t) {
                case FLOAT8E4M3FN -> 0x7f;
                case FLOAT8E5M2 -> 0x7f;
                // FP4 has no NaN encoding. The ONNX reference (ml_dtypes, from which the node
                // tests test_cast*_to_FLOAT4E2M1 were generated) stores NaN as code 0x8, i.e. -0.
                case FLOAT4E2M1 -> 0x8;
                default -> 0x80 | (t == DType.FLOAT8E8M0 ? 0x7f : 0);
            };
        }
        boolean negative = v < 0 || (v == 0 && 1 / v < 0);
        float a = Math.abs(v);
        if (t == DType.FLOAT8E8M0 && negative && a > 0) {
            a = 0; // unsigned exponent-only format
        }
        float max = vals[vals.length - 1];
        int code;
        if (a > max) {
            if (saturate || fourBit) {
                code = codes[vals.length - 1];
            } else if (t == DType.FLOAT8E5M2) {
                code = 0x7c;
            } else {
                return (byte) (t == DType.FLOAT8E4M3FN ? 0x7f | (negative ? 0x80 : 0) : t == DType.FLOAT8E8M0 ? 0xff : 0x80);
            }
        } else {
            int idx = Arrays.binarySearch(vals, a);
            if (idx >= 0) {
                code = codes[idx];
            } else {
                int hi = -idx - 1;
                int lo = hi - 1;
                double dLo = a - vals[lo];
                double dHi = vals[hi] - a;
                if (dLo < dHi) {
                    code = codes[lo];
                } else if (dHi < dLo) {
                    code = codes[hi];
                } else {
                    code = (codes[lo] & 1) == 0 ? codes[lo] : codes[hi];
                }
            }
        }
        if (negative && t != DType.FLOAT8E8M0) {
            boolean zero = (code & ~signBit) == 0;
            boolean noNegativeZero = t == DType.FLOAT8E4M3FNUZ || t == DType.FLOAT8E5M2FNUZ;
            if (!(zero && noNegativeZero)) {
                code |= signBit;
            }
        }
        return (byte) code;
    }

    /** float -> bfloat16 bits, round to nearest even (NaN stays NaN). */
    public static short toBFloat16(float v) {
        int bits = Float.floatToRawIntBits(v);
        if (Float.isNaN(v)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int rounding = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    public static float fromBFloat16(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }
}

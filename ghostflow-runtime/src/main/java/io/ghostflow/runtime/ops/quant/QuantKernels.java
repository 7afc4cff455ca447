package io.ghostflow.runtime.ops.quant;

import io.ghostflow.kernels.VectorMath;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.function.IntFunction;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector paths for the per-tensor 8-bit quantization that dynamically quantized models run per
 * inference; each returns null when its case does not apply (then {@link QuantOps}' general
 * code runs) and otherwise computes exactly what the general code computes.
 */
public final class QuantKernels {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    /** Bytes matching the lane count of F, for narrowing the quantized ints. */
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8));
    /** 1.5 * 2^23: adding and subtracting it rounds a float of magnitude < 2^22 to an integer, half to even. */
    private static final float ROUND_MAGIC = 12582912f;

    private QuantKernels() {
    }

    /**
     * DynamicQuantizeLinear of a FLOAT tensor, or null when the data hold NaN or infinities or
     * are all zero (the general code's edge cases).
     */
    static Value[] dynamicQuantize(Tensor x) {
        if (x.dtype() != DType.FLOAT) {
            return null;
        }
        byte[] y = new byte[x.size()];
        int[] zp = new int[1];
        float scale = quantizeUint8(x.floats(), y, zp);
        if (Float.isNaN(scale)) {
            return null;
        }
        return new Value[] {
            Tensor.ofArray(DType.UINT8, y, x.shape()),
            Tensor.of(new float[] {scale}),
            Tensor.ofArray(DType.UINT8, new byte[] {(byte) zp[0]})
        };
    }

    /**
     * DynamicQuantizeLinear's scale and zero point for a[0, n): scale = (max(0, max a) - min(0, min a)) / 255
     * in float, zero point = round-half-even(clamp(-min / scale)) into zeroPoint[0]. Returns NaN, writing
     * nothing, when the scale is not a positive finite number (NaN or infinite data, all zeros).
     */
    public static float scaleAndZeroPoint(float[] a, int n, int[] zeroPoint) {
        FloatVector zero = FloatVector.zero(F);
        FloatVector vmn = zero;
        FloatVector vmx = zero;
        FloatVector probe = zero;
        int i = 0;
        // Compare-and-blend minima and maxima (Java's min / max take a NaN-and-signed-zero sequence per
        // lane: bert_tiny_int8 0.973-0.975 of the time, medians of 30 paired blocks in one JVM), which
        // skip NaN: the products with zero catch NaN and infinities instead. The sign of a zero bound
        // does not matter below (0 - -0 and 0 - +0 give the same zero point, mx - mn the same scale).
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(F, a, i);
            vmn = vmn.blend(v, v.compare(VectorOperators.LT, vmn));
            vmx = vmx.blend(v, v.compare(VectorOperators.GT, vmx));
            probe = v.fma(zero, probe);
        }
        if (Float.isNaN(probe.reduceLanes(VectorOperators.ADD))) {
            return Float.NaN;
        }
        // the minimum and maximum do not depend on the order: lanes, then the tail, as the scalar scan
        float mn = vmn.reduceLanes(VectorOperators.MIN);
        float mx = vmx.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            mn = Math.min(mn, a[i]);
            mx = Math.max(mx, a[i]);
        }
        float scale = (mx - mn) / 255f;
        if (!(scale > 0) || !Float.isFinite(scale)) {
            return Float.NaN;
        }
        zeroPoint[0] = (int) (float) Math.rint(Math.max(0, Math.min(255, 0 - mn / scale)));
        return scale;
    }

    /**
     * DynamicQuantizeLinear's arithmetic on a[0, n) into q (uint8 values as bytes): returns the
     * scale and puts the zero point in zeroPoint[0]; returns NaN, writing nothing, when the data
     * hold NaN or infinities or are all zero (the general code in QuantOps handles those).
     */
    public static float quantizeUint8(float[] a, byte[] q, int[] zeroPoint) {
        int n = a.length;
        float scale = scaleAndZeroPoint(a, n, zeroPoint);
        if (Float.isNaN(scale)) {
            return Float.NaN;
        }
        int zp = zeroPoint[0];
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            // clamping to the integer bounds before rounding equals rounding then clamping
            FloatVector v = VectorMath.clamp(FloatVector.fromArray(F, a, i).div(scale), -zp, 255 - zp).add(ROUND_MAGIC)
                    .sub(ROUND_MAGIC);
            IntVector qi = ((IntVector) v.convert(VectorOperators.F2I, 0)).add(zp);
            ((ByteVector) qi.convertShape(VectorOperators.I2B, B, 0)).intoArray(q, i);
        }
        for (; i < n; i++) {
            double r = Math.rint(a[i] / scale) + zp;
            q[i] = (byte) Math.max(0, Math.min(255, r));
        }
        return scale;
    }

    /** DequantizeLinear of an 8-bit tensor with one scale and zero point to FLOAT, or null. */
    static Tensor dequantize(Tensor x, Tensor scale, Tensor zp, DType out, int block, IntFunction<float[]> buffer) {
        DType t = x.dtype();
        if (out != DType.FLOAT || block != 0 || scale.size() != 1 || scale.dtype() != DType.FLOAT
                || (zp != null && zp.size() != 1) || (t != DType.UINT8 && t != DType.INT8)) {
            return null;
        }
        float s = scale.floats()[0];
        int z = zp == null ? 0 : (int) zp.getLong(0);
        byte[] a = x.bytes();
        float[] y = buffer.apply(a.length);
        if (t == DType.UINT8) {
            for (int i = 0; i < y.length; i++) {
                y[i] = (float) ((a[i] & 0xff) - z) * s;
            }
        } else {
            for (int i = 0; i < y.length; i++) {
                y[i] = (float) (a[i] - z) * s;
            }
        }
        return Tensor.of(y, x.shape());
    }
}

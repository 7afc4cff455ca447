package io.ghostflow.runtime.ops.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ghostflow.core.GhostFlowException;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Shapes;
import io.ghostflow.tensor.Tensor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BroadcastingTest {
    /** Scalar reference: index each input through its broadcast strides. */
    private static float[] reference(float[] a, int[] sa, float[] b, int[] sb, int[] out) {
        int n = Shapes.size(out);
        int[] st = Shapes.strides(out);
        int[] ba = Shapes.broadcastStrides(sa, out);
        int[] bb = Shapes.broadcastStrides(sb, out);
        float[] r = new float[n];
        for (int i = 0; i < n; i++) {
            int ia = 0;
            int ib = 0;
            int rem = i;
            for (int d = 0; d < out.length; d++) {
                int c = rem / st[d];
                rem %= st[d];
                ia += c * ba[d];
                ib += c * bb[d];
            }
            r[i] = a[ia] - 2 * b[ib];
        }
        return r;
    }

    @Test
    void randomShapesMatchScalarReference() {
        Random rnd = new Random(7);
        for (int trial = 0; trial < 300; trial++) {
            int rank = rnd.nextInt(5);
            int[] out = new int[rank];
            for (int d = 0; d < rank; d++) {
                out[d] = 1 + rnd.nextInt(4);
            }
            int[] sa = randomBroadcastable(out, rnd);
            int[] sb = randomBroadcastable(out, rnd);
            float[] a = randoms(Shapes.size(sa), rnd);
            float[] b = randoms(Shapes.size(sb), rnd);
            int[] expectedShape = Shapes.broadcast(sa, sb);
            Tensor r = Broadcasting.floats(Tensor.of(a, sa), Tensor.of(b, sb), (x, y) -> x - 2 * y);
            assertThat(r.shape()).isEqualTo(expectedShape);
            assertThat(r.floats()).containsExactly(reference(a, sa, b, sb, expectedShape));
            // the generic double path must agree with the float path
            Tensor d = Broadcasting.doubles(Tensor.of(a, sa), Tensor.of(b, sb), DType.FLOAT, (x, y) -> (float) x - 2 * (float) y);
            assertThat(d.floats()).containsExactly(r.floats());
        }
    }

    private static int[] randomBroadcastable(int[] out, Random rnd) {
        int drop = rnd.nextInt(out.length + 1);
        int[] s = java.util.Arrays.copyOfRange(out, drop, out.length);
        for (int i = 0; i < s.length; i++) {
            if (rnd.nextInt(3) == 0) {
                s[i] = 1;
            }
        }
        return s;
    }

    private static float[] randoms(int n, Random rnd) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = rnd.nextInt(100) - 50;
        }
        return f;
    }

    @Test
    void incompatibleShapesFailWithShapeMismatch() {
        assertThatThrownBy(() -> Broadcasting.floats(Tensor.of(new float[6], 2, 3), Tensor.of(new float[2], 2), Float::sum))
                .isInstanceOf(GhostFlowException.class).hasMessageContaining("do not broadcast");
    }

    @Test
    void integerAdditionWrapsLikeTheDtype() {
        Tensor a = Tensor.ofArray(DType.INT8, new byte[] {127, -128}, 2);
        Tensor b = Tensor.ofArray(DType.INT8, new byte[] {1, -1}, 2);
        Tensor r = OpHarness.run1("Add", 14, List.of(), a, b);
        assertThat(r.dtype()).isEqualTo(DType.INT8);
        assertThat(r.bytes()).containsExactly((byte) -128, (byte) 127);
        Tensor u = OpHarness.run1("Mul", 14, List.of(), Tensor.ofArray(DType.UINT8, new byte[] {(byte) 200}, 1),
                Tensor.ofArray(DType.UINT8, new byte[] {2}, 1));
        assertThat(u.getLong(0)).isEqualTo(144);
    }

    @Test
    void integerDivisionTruncatesAndZeroDivisorGivesZero() {
        Tensor r = OpHarness.run1("Div", 14, List.of(), Tensor.ofInts(new int[] {-7, 7, 5}, 3), Tensor.ofInts(new int[] {2, 0, -2}, 3));
        assertThat(r.ints()).containsExactly(-3, 0, -2);
        Tensor u = OpHarness.run1("Div", 14, List.of(), Tensor.ofArray(DType.UINT64, new long[] {-1L}, 1), Tensor.ofArray(DType.UINT64, new long[] {2}, 1));
        assertThat(u.getLong(0)).isEqualTo(Long.MAX_VALUE);
    }
}

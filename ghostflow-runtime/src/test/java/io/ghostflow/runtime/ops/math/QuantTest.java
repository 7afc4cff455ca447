package io.ghostflow.runtime.ops.math;

import static org.assertj.core.api.Assertions.assertThat;

import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.List;
import org.junit.jupiter.api.Test;

class QuantTest {
    @Test
    void dynamicQuantizeLinearMatchesSpecFormula() {
        Tensor x = Tensor.of(new float[] {0, 2, -3, -2.5f, 1.34f, 0.5f}, 6);
        Value[] r = OpHarness.run("DynamicQuantizeLinear", 11, List.of(), x);
        float scale = ((Tensor) r[1]).floats()[0];
        assertThat(scale).isEqualTo(5f / 255f);
        assertThat(((Tensor) r[2]).getLong(0)).isEqualTo(153);
        Tensor y = (Tensor) r[0];
        assertThat(y.dtype()).isEqualTo(DType.UINT8);
        long[] got = y.asLongs();
        // -2.5 / scale is -127.49999 in float (not -127.5), hence 26: the ONNX example gives the same
        assertThat(got).containsExactly(153, 255, 0, 26, 221, 179);
    }

    @Test
    void blockedQuantizeUsesOneScalePerBlock() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 10, 20, 30, 40}, 2, 4);
        Tensor scale = Tensor.of(new float[] {1, 2, 10, 20}, 2, 2);
        Tensor zp = Tensor.ofArray(DType.INT8, new byte[4], 2, 2);
        Tensor y = OpHarness.run1("QuantizeLinear", 21, List.of(Attribute.of("axis", 1L), Attribute.of("block_size", 2L)), x, scale, zp);
        assertThat(y.asLongs()).containsExactly(1, 2, 2, 2, 1, 2, 2, 2);
        Tensor back = OpHarness.run1("DequantizeLinear", 21, List.of(Attribute.of("axis", 1L), Attribute.of("block_size", 2L)), y, scale, zp);
        assertThat(back.floats()).containsExactly(1, 2, 4, 4, 10, 20, 40, 40);
    }

    @Test
    void quantizeSaturatesAndRoundsHalfToEven() {
        Tensor x = Tensor.of(new float[] {2.5f, 3.5f, 1000f, -1000f}, 4);
        Tensor y = OpHarness.run1("QuantizeLinear", 13, List.of(), x, Tensor.scalar(1f).reshape(), Tensor.ofArray(DType.INT8, new byte[] {0}));
        assertThat(y.asLongs()).containsExactly(2, 4, 127, -128);
    }
}

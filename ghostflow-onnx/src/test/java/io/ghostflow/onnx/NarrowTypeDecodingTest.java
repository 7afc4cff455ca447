package io.ghostflow.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Decoded values checked against the ONNX test suite as reference: an exact cast (every value
 * of the narrow type is representable in float or in the wider integer) must give the expected
 * output element for element, so the input file's narrow tensor must have decoded correctly
 * (packing order, sign extension, bit patterns). Tolerance: exact, NaN equal to NaN.
 */
class NarrowTypeDecodingTest {
    @ParameterizedTest
    @ValueSource(strings = {"test_cast_BFLOAT16_to_FLOAT", "test_cast_FLOAT16_to_FLOAT", "test_cast_DOUBLE_to_FLOAT",
            "test_cast_FLOAT4E2M1_to_FLOAT", "test_cast_FLOAT8E4M3FNUZ_to_FLOAT", "test_cast_FLOAT8E4M3FN_to_FLOAT",
            "test_cast_FLOAT8E5M2FNUZ_to_FLOAT", "test_cast_FLOAT8E5M2_to_FLOAT", "test_cast_INT2_to_FLOAT",
            "test_cast_INT4_to_FLOAT", "test_cast_UINT2_to_FLOAT", "test_cast_UINT4_to_FLOAT",
            "test_cast_e8m0_FLOAT8E8M0_to_FLOAT", "test_cast_INT2_to_INT8", "test_cast_INT4_to_INT8",
            "test_cast_UINT2_to_UINT8", "test_cast_UINT4_to_UINT8"})
    void exactCastMatchesReference(String test) {
        Path dir = SharedFiles.onnxTests().resolve("node").resolve(test).resolve("test_data_set_0");
        Tensor in = TensorProtos.toTensor(OnnxFiles.readTensor(dir.resolve("input_0.pb")), dir);
        Tensor out = TensorProtos.toTensor(OnnxFiles.readTensor(dir.resolve("output_0.pb")), dir);
        assertThat(in.shape()).isEqualTo(out.shape());
        assertThat(in.size()).isPositive();
        for (int i = 0; i < in.size(); i++) {
            if (out.dtype() == DType.FLOAT) {
                float expected = out.getFloat(i);
                float actual = (float) in.getDouble(i);
                if (Float.isNaN(expected)) {
                    assertThat(actual).as("%s element %d", test, i).isNaN();
                } else {
                    assertThat(actual).as("%s element %d", test, i).isEqualTo(expected);
                }
            } else {
                assertThat(in.getLong(i)).as("%s element %d", test, i).isEqualTo(out.getLong(i));
            }
        }
    }
}

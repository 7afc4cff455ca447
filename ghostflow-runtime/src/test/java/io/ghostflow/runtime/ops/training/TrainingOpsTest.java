package io.ghostflow.runtime.ops.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.onnx.proto.Onnx.AttributeProto;
import io.ghostflow.onnx.proto.Onnx.GraphProto;
import io.ghostflow.onnx.proto.Onnx.ModelProto;
import io.ghostflow.onnx.proto.Onnx.NodeProto;
import io.ghostflow.onnx.proto.Onnx.OperatorSetIdProto;
import io.ghostflow.runtime.InferenceSession;
import io.ghostflow.runtime.ModelProtos;
import io.ghostflow.runtime.SessionOptions;
import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.runtime.ops.extra.DomainHarness;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Gradient against finite differences; optimizer steps against the spec formulas by hand. */
class TrainingOpsTest {
    private static final String TRAINING = "ai.onnx.preview.training";

    private static NodeProto gradient(String y, String... xs) {
        NodeProto.Builder b = NodeProto.newBuilder().setOpType("Gradient").setDomain(TRAINING).setName("grad");
        AttributeProto.Builder xa = AttributeProto.newBuilder().setName("xs").setType(AttributeProto.AttributeType.STRINGS);
        for (String x : xs) {
            b.addInput(x);
            b.addOutput("d_" + x);
            xa.addStrings(com.google.protobuf.ByteString.copyFromUtf8(x));
        }
        b.addAttribute(xa);
        b.addAttribute(AttributeProto.newBuilder().setName("y").setType(AttributeProto.AttributeType.STRING)
                .setS(com.google.protobuf.ByteString.copyFromUtf8(y)));
        return b.build();
    }

    /** y = Sigmoid(x * w - x / w), x [2, 3], w [3] broadcast along rows; dy/dx, dy/dw of sum(y). */
    private static ModelProto model(String middleOp) {
        GraphProto g = GraphProto.newBuilder().setName("g")
                .addNode(ModelProtos.node("Mul", "m", new String[] {"x", "w"}, "a"))
                .addNode(ModelProtos.node("Div", "d", new String[] {"x", "w"}, "b"))
                .addNode(ModelProtos.node("Sub", "s", new String[] {"a", "b"}, "c"))
                .addNode(ModelProtos.node(middleOp, "act", new String[] {"c"}, "y"))
                .addNode(gradient("y", "x", "w"))
                .addInput(ModelProtos.tensor("x", DType.FLOAT, 2, 3))
                .addInput(ModelProtos.tensor("w", DType.FLOAT, 3))
                .addOutput(ModelProtos.tensor("y", DType.FLOAT, 2, 3))
                .addOutput(ModelProtos.tensor("d_x", DType.FLOAT, 2, 3))
                .addOutput(ModelProtos.tensor("d_w", DType.FLOAT, 3)).build();
        return ModelProtos.model(17, g).toBuilder()
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(TRAINING).setVersion(1)).build();
    }

    private static double f(double[] x, double[] w) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            double c = x[i] * w[i % 3] - x[i] / w[i % 3];
            s += 1 / (1 + Math.exp(-c));
        }
        return s;
    }

    @Test
    void gradientMatchesFiniteDifferencesWithBroadcasting() {
        double[] x = {0.3, -1.2, 0.8, 1.5, 0.1, -0.4};
        double[] w = {0.7, -1.3, 2.0};
        float[] xf = new float[6];
        for (int i = 0; i < 6; i++) {
            xf[i] = (float) x[i];
        }
        try (var s = InferenceSession.load(model("Sigmoid").toByteArray(), SessionOptions.defaults());
             var r = s.run(Map.of("x", Tensor.of(xf, 2, 3), "w", Tensor.of(new float[] {0.7f, -1.3f, 2.0f}, 3)))) {
            float[] dx = r.get("d_x").floats();
            float[] dw = r.get("d_w").floats();
            double h = 1e-6;
            for (int i = 0; i < 6; i++) {
                double[] xp = x.clone();
                double[] xm = x.clone();
                xp[i] += h;
                xm[i] -= h;
                assertThat((double) dx[i]).isCloseTo((f(xp, w) - f(xm, w)) / (2 * h), within(1e-4));
            }
            for (int j = 0; j < 3; j++) {
                double[] wp = w.clone();
                double[] wm = w.clone();
                wp[j] += h;
                wm[j] -= h;
                assertThat((double) dw[j]).isCloseTo((f(x, wp) - f(x, wm)) / (2 * h), within(1e-4));
            }
        }
    }

    @Test
    void gradientThroughAnOpWithoutARuleIsNotImplemented() {
        assertThatThrownBy(() -> InferenceSession.load(model("Softsign").toByteArray(), SessionOptions.defaults()))
                .isInstanceOf(GhostFlowException.class)
                .satisfies(e -> assertThat(((GhostFlowException) e).code()).isEqualTo(ErrorCode.NOT_IMPLEMENTED))
                .hasMessageContaining("Softsign");
    }

    @Test
    void adamSkipsBiasCorrectionOnlyOnTheFirstStep() {
        List<Attribute> attrs = List.of(Attribute.of("alpha", 0.9f), Attribute.of("beta", 0.99f), Attribute.of("epsilon", 0f));
        Tensor r = Tensor.ofDoubles(new double[] {0.1}, new int[0]);
        Tensor x = Tensor.ofDoubles(new double[] {1.0}, 1);
        Tensor g = Tensor.ofDoubles(new double[] {0.5}, 1);
        Tensor zero = Tensor.ofDoubles(new double[] {0.0}, 1);
        for (long t : new long[] {0, 3}) {
            var out = DomainHarness.run(TRAINING, "Adam", 1, 3, attrs, r, Tensor.ofLongs(new long[] {t}, new int[0]), x, g, zero, zero);
            // Attributes are float32: use the same widened values.
            double alpha = 0.9f;
            double beta = 0.99f;
            double v = (1 - alpha) * 0.5;
            double hh = (1 - beta) * 0.25;
            double rAdj = t == 0 ? 0.1 : 0.1 * Math.sqrt(1 - Math.pow(beta, t)) / (1 - Math.pow(alpha, t));
            assertThat(((Tensor) out[0]).doubles()[0]).isCloseTo(1.0 - rAdj * v / Math.sqrt(hh), within(1e-12));
            assertThat(((Tensor) out[1]).doubles()[0]).isCloseTo(v, within(1e-12));
            assertThat(((Tensor) out[2]).doubles()[0]).isCloseTo(hh, within(1e-12));
        }
    }

    @Test
    void nesterovMomentumLooksAhead() {
        List<Attribute> attrs = List.of(Attribute.of("alpha", 0.5f), Attribute.of("beta", 2f),
                Attribute.of("norm_coefficient", 0f), Attribute.of("mode", "nesterov"));
        var out = DomainHarness.run(TRAINING, "Momentum", 1, 2, attrs, Tensor.ofDoubles(new double[] {0.1}, new int[0]),
                Tensor.ofLongs(new long[] {1}, new int[0]), Tensor.ofDoubles(new double[] {1.0}, 1),
                Tensor.ofDoubles(new double[] {3.0}, 1), Tensor.ofDoubles(new double[] {4.0}, 1));
        double vNew = 0.5 * 4 + 2 * 3;
        assertThat(((Tensor) out[1]).doubles()[0]).isCloseTo(vNew, within(1e-12));
        assertThat(((Tensor) out[0]).doubles()[0]).isCloseTo(1.0 - 0.1 * (3 + 0.5 * vNew), within(1e-12));
    }
}

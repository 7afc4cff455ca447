package io.ghostflow.nn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.ghostflow.nn.autograd.Losses;
import io.ghostflow.nn.autograd.Var;
import io.ghostflow.nn.data.CsvLoader;
import io.ghostflow.nn.data.Dataset;
import io.ghostflow.nn.export.OnnxExporter;
import io.ghostflow.nn.optim.Adam;
import io.ghostflow.nn.train.DemoModels;
import io.ghostflow.nn.train.Trainer;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Shapes;
import io.ghostflow.tensor.Tensor;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Exported models run in ONNX Runtime (the reference implementation) and must give what the
 * module's own forward pass gives: |ort - ours| <= 1e-4 * |ort| + 1e-5 element-wise.
 */
class OrtParityTest {
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    static Tensor randomInput(long seed, int... shape) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] v = new float[Shapes.size(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rng.nextDouble(-2, 2);
        }
        return Tensor.of(v, shape);
    }

    /** Runs the exported bytes in ONNX Runtime on {@code x} and returns output 0. */
    static float[] ort(byte[] model, Tensor x, DType inputType) throws OrtException {
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions();
             OrtSession s = ENV.createSession(model, so)) {
            long[] shape = Shapes.toLongs(x.shape());
            try (OnnxTensor in = inputType == DType.INT64
                    ? OnnxTensor.createTensor(ENV, LongBuffer.wrap(x.asLongs()), shape)
                    : OnnxTensor.createTensor(ENV, FloatBuffer.wrap(x.floats()), shape);
                 OrtSession.Result r = s.run(Map.of(OnnxExporter.INPUT, in))) {
                FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
                float[] out = new float[fb.remaining()];
                fb.get(out);
                return out;
            }
        }
    }

    /** Exports {@code m} (eval mode), runs both engines on {@code x} and compares. */
    static void assertParity(Module m, Tensor x) throws OrtException {
        m.eval();
        int[] s = x.shape();
        byte[] bytes = OnnxExporter.toProto(m, java.util.Arrays.copyOfRange(s, 1, s.length)).toByteArray();
        float[] ours = m.forward(x).floats();
        float[] theirs = ort(bytes, x, m.inputType());
        assertThat(theirs).hasSize(ours.length);
        for (int i = 0; i < ours.length; i++) {
            assertThat((double) ours[i]).as("%s element %d", m, i)
                    .isCloseTo(theirs[i], org.assertj.core.data.Offset.offset(1e-4 * Math.abs(theirs[i]) + 1e-5));
        }
    }

    static Module init(Module m) {
        return m.initialize(7);
    }

    @Test
    void linear() throws OrtException {
        assertParity(init(new Linear(6, 4)), randomInput(1, 3, 6));
    }

    @Test
    void sequentialOfLinears() throws OrtException {
        assertParity(init(new Sequential(new Linear(5, 8, Init.XAVIER), new Tanh(), new Linear(8, 3))), randomInput(2, 4, 5));
    }

    @Test
    void conv2d() throws OrtException {
        assertParity(init(new Conv2d(2, 3, 3, 2, 1)), randomInput(3, 2, 2, 7, 7));
    }

    @Test
    void batchNorm2dWithTrainedStatistics() throws OrtException {
        BatchNorm2d bn = new BatchNorm2d(3);
        bn.initialize(1).train();
        bn.forward(randomInput(4, 5, 3, 4, 4)); // moves the running statistics away from 0 and 1
        bn.param("weight").data()[1] = 1.5f;
        bn.param("bias").data()[2] = -0.3f;
        assertParity(bn, randomInput(5, 2, 3, 4, 4));
    }

    @Test
    void maxPool2d() throws OrtException {
        assertParity(new MaxPool2d(3, 2, 1), randomInput(6, 2, 2, 7, 7));
    }

    @Test
    void avgPool2d() throws OrtException {
        assertParity(new AvgPool2d(3, 2, 1), randomInput(7, 2, 2, 7, 7));
    }

    @Test
    void flatten() throws OrtException {
        assertParity(new Flatten(), randomInput(8, 2, 3, 2, 2));
    }

    @Test
    void dropoutIsIdentityInEval() throws OrtException {
        assertParity(new Dropout(0.5f), randomInput(9, 3, 4));
    }

    @Test
    void relu() throws OrtException {
        assertParity(new ReLU(), randomInput(10, 3, 4));
    }

    @Test
    void leakyRelu() throws OrtException {
        assertParity(new LeakyReLU(0.1f), randomInput(11, 3, 4));
    }

    @Test
    void sigmoid() throws OrtException {
        assertParity(new Sigmoid(), randomInput(12, 3, 4));
    }

    @Test
    void tanh() throws OrtException {
        assertParity(new Tanh(), randomInput(13, 3, 4));
    }

    @Test
    void gelu() throws OrtException {
        assertParity(new GELU(), randomInput(14, 3, 4));
    }

    @Test
    void softmax() throws OrtException {
        assertParity(new Softmax(), randomInput(15, 3, 5));
    }

    @Test
    void layerNorm() throws OrtException {
        LayerNorm ln = new LayerNorm(6);
        ln.initialize(1);
        ln.param("weight").data()[0] = 2f;
        ln.param("bias").data()[3] = 0.5f;
        assertParity(ln, randomInput(16, 2, 3, 6));
    }

    @Test
    void embedding() throws OrtException {
        Tensor ids = Tensor.of(new float[] {0, 4, 2, 2, 1, 3}, 2, 3);
        assertParity(init(new Sequential(new Embedding(5, 4), new LayerNorm(4))), ids);
    }

    /** Demo models after a short training run (BatchNorm statistics are real). */
    static Dataset digits(int[] sampleShape) {
        return CsvLoader.digits(SharedData.path("data/digits.csv.gz")).scale(1f / 16).reshape(sampleShape);
    }

    static void trainBriefly(Module m, Dataset d) {
        m.initialize(3).train();
        Trainer t = new Trainer(m, new Adam(m, 3e-3f), 32, 1);
        Dataset small = d.split(0.2, 5).get(0);
        t.trainEpoch(small, 1, Trainer.Progress.NONE);
    }

    @Test
    void demoMlp() throws OrtException {
        Dataset d = digits(new int[] {64});
        Module m = DemoModels.mlp();
        trainBriefly(m, d);
        assertParity(m, Tensor.of(java.util.Arrays.copyOf(d.features(), 16 * 64), 16, 64));
    }

    @Test
    void demoCnn() throws OrtException {
        Dataset d = digits(new int[] {1, 8, 8});
        Module m = DemoModels.cnn();
        trainBriefly(m, d);
        assertParity(m, Tensor.of(java.util.Arrays.copyOf(d.features(), 16 * 64), 16, 1, 8, 8));
    }

    @Test
    void lossIsFiniteOnDemoData() {
        Dataset d = digits(new int[] {64});
        Module m = DemoModels.mlp().initialize(1);
        Var loss = Losses.crossEntropy(m.forward(Var.constant(java.util.Arrays.copyOf(d.features(), 640), 10, 64)),
                java.util.Arrays.copyOf(d.labels(), 10));
        assertThat(loss.data()[0]).isBetween(0f, 20f);
    }
}

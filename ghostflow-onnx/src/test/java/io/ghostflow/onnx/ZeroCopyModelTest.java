package io.ghostflow.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.ghostflow.onnx.proto.Onnx.ModelProto;
import io.ghostflow.onnx.proto.Onnx.TensorProto;
import io.ghostflow.tensor.Tensor;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Loading a model maps its weights; it must not copy them onto the heap. */
class ZeroCopyModelTest {
    private static long heapUsedAfterGc(MemoryMXBean mx) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return mx.getHeapMemoryUsage().getUsed();
    }

    @Test
    void resnet18WeightsStayOffHeap() throws IOException {
        Path file = SharedFiles.model("resnet18");
        long fileSize = Files.size(file);
        MemoryMXBean mx = ManagementFactory.getMemoryMXBean();
        // warm up class loading and protobuf's static state so they do not count as weights
        OnnxFiles.readModel(SharedFiles.model("mlp_mnist"));
        long before = heapUsedAfterGc(mx);

        ModelProto model = OnnxFiles.readModel(file);
        List<Tensor> tensors = new ArrayList<>();
        long weightBytes = 0;
        for (TensorProto p : model.getGraph().getInitializerList()) {
            Tensor t = TensorProtos.toTensor(p, file.getParent());
            tensors.add(t);
            weightBytes += t.byteSize();
        }
        long after = heapUsedAfterGc(mx);
        long grown = after - before;
        System.out.printf("resnet18: %d byte file, %d weight bytes, heap grew by %d bytes%n", fileSize, weightBytes, grown);

        assertThat(weightBytes).as("the model really holds its weights").isGreaterThan(fileSize * 9 / 10);
        assertThat(tensors).allSatisfy(t -> assertThat(t.isHeap()).isFalse());
        assertThat(grown).as("heap growth %d bytes for a %d byte model", grown, fileSize).isLessThan(fileSize / 4);
        Reference.reachabilityFence(model);
        Reference.reachabilityFence(tensors);
    }
}

package io.ghostflow.onnx;

import com.google.protobuf.ByteString;
import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.onnx.proto.Onnx.AttributeProto;
import io.ghostflow.onnx.proto.Onnx.GraphProto;
import io.ghostflow.onnx.proto.Onnx.ModelProto;
import io.ghostflow.onnx.proto.Onnx.NodeProto;
import io.ghostflow.onnx.proto.Onnx.StringStringEntryProto;
import io.ghostflow.onnx.proto.Onnx.TensorProto;
import io.ghostflow.tensor.DType;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Moves big initializers (of the main graph and of subgraphs) into one external data file and
 * rewrites their TensorProtos to point there. Tensors already external in the input are read
 * through the policy's source directory and re-homed (or inlined when below the threshold).
 */
final class ExternalDataWriter {
    private final ExternalDataPolicy policy;
    private final FileChannel out;
    private long position;

    private ExternalDataWriter(ExternalDataPolicy policy, FileChannel out) {
        this.policy = policy;
        this.out = out;
    }

    /** Writes the data file {@code dataFile} and returns the model that refers to it. */
    static ModelProto externalize(ModelProto model, Path dataFile, ExternalDataPolicy policy) throws IOException {
        try (FileChannel ch = FileChannel.open(dataFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ExternalDataWriter w = new ExternalDataWriter(policy, ch);
            return model.toBuilder().setGraph(w.graph(model.getGraph())).build();
        }
    }

    private GraphProto graph(GraphProto g) throws IOException {
        GraphProto.Builder b = g.toBuilder();
        for (int i = 0; i < g.getInitializerCount(); i++) {
            b.setInitializer(i, tensor(g.getInitializer(i)));
        }
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto node = g.getNode(i);
            NodeProto.Builder nb = null;
            for (int a = 0; a < node.getAttributeCount(); a++) {
                AttributeProto attr = node.getAttribute(a);
                if (!attr.hasG() && attr.getGraphsCount() == 0) {
                    continue;
                }
                AttributeProto.Builder ab = attr.toBuilder();
                if (attr.hasG()) {
                    ab.setG(graph(attr.getG()));
                }
                for (int k = 0; k < attr.getGraphsCount(); k++) {
                    ab.setGraphs(k, graph(attr.getGraphs(k)));
                }
                if (nb == null) {
                    nb = node.toBuilder();
                }
                nb.setAttribute(a, ab);
            }
            if (nb != null) {
                b.setNode(i, nb);
            }
        }
        return b.build();
    }

    private TensorProto tensor(TensorProto t) throws IOException {
        String what = ProtoShapes.name(t.getName());
        DType dtype = TensorProtos.dtypeOf(t.getDataType(), what);
        if (dtype == DType.STRING) {
            return t;
        }
        boolean external = ExternalData.isExternal(t);
        if (!external && t.getRawData().size() < policy.thresholdBytes() && !hasTypedData(t)) {
            return t;
        }
        int n = ProtoShapes.size(ProtoShapes.shape(t.getDimsList(), what));
        long bytes = TensorProtos.fileBytes(dtype, n);
        if (bytes < policy.thresholdBytes()) {
            if (!external) {
                return t;
            }
            MemorySegment data = ExternalData.slice(t, policy.sourceDir(), bytes);
            return stripData(t).setRawData(ByteString.copyFrom(data.asByteBuffer())).build();
        }
        ByteBuffer data;
        if (external) {
            data = ExternalData.slice(t, policy.sourceDir(), bytes).asByteBuffer();
        } else if (t.hasRawData()) {
            data = t.getRawData().asReadOnlyByteBuffer();
        } else {
            data = ByteBuffer.wrap(TensorProtos.fileLayout(TensorProtos.toTensor(t, null), t.getName()));
        }
        if (data.remaining() != bytes) {
            throw ProtoShapes.invalid(what + ": has " + data.remaining() + " bytes of data, dims need " + bytes);
        }
        long offset = (position + policy.alignment() - 1) & -(long) policy.alignment();
        long at = offset;
        data = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        while (data.hasRemaining()) {
            at += out.write(data, at);
        }
        position = at;
        return stripData(t)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(entry("location", policy.location()))
                .addExternalData(entry("offset", Long.toString(offset)))
                .addExternalData(entry("length", Long.toString(bytes)))
                .build();
    }

    private static boolean hasTypedData(TensorProto t) {
        return t.getFloatDataCount() + t.getInt32DataCount() + t.getInt64DataCount() + t.getDoubleDataCount()
                + t.getUint64DataCount() > 0;
    }

    private static TensorProto.Builder stripData(TensorProto t) {
        return t.toBuilder().clearRawData().clearFloatData().clearInt32Data().clearInt64Data().clearDoubleData()
                .clearUint64Data().clearExternalData().clearDataLocation();
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    static GhostFlowException writeFailed(Path file, Exception e) {
        return new GhostFlowException(ErrorCode.IO_ERROR, "cannot write " + file + ": " + e.getMessage(), e);
    }
}

package io.ghostflow.onnx;

import io.ghostflow.onnx.proto.Onnx.SparseTensorProto;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;

/** SparseTensorProto -> dense Tensor (zero, or "" for strings, where no value is given). */
final class SparseTensors {
    private SparseTensors() {
    }

    static Tensor densify(SparseTensorProto sp, Path baseDir) {
        String name = sp.getValues().getName();
        String what = "sparse " + ProtoShapes.name(name);
        if (!sp.hasValues() || !sp.hasIndices()) {
            throw ProtoShapes.invalid(what + ": needs both values and indices");
        }
        int[] shape = ProtoShapes.shape(sp.getDimsList(), what);
        int n = ProtoShapes.size(shape);
        Tensor values = TensorProtos.toTensor(sp.getValues(), baseDir);
        Tensor indices = TensorProtos.toTensor(sp.getIndices(), baseDir);
        if (values.rank() != 1) {
            throw ProtoShapes.invalid(what + ": values must have shape [NNZ], got " + Arrays.toString(values.shape()));
        }
        int nnz = values.size();
        if (!indices.dtype().isInteger()) {
            throw ProtoShapes.invalid(what + ": indices must be integers, got " + indices.dtype());
        }
        boolean linear = indices.rank() == 1;
        if (linear ? indices.dim(0) != nnz
                : indices.rank() != 2 || indices.dim(0) != nnz || indices.dim(1) != shape.length) {
            throw ProtoShapes.invalid(what + ": indices of shape " + Arrays.toString(indices.shape())
                    + " fit neither [" + nnz + "] nor [" + nnz + ", " + shape.length + "]");
        }
        DType dtype = values.dtype();
        long denseBytes = (long) n * Math.max(dtype.storageBytes(), 8);
        // The dense size comes from dims alone, which cost the file nothing: bound it by the heap.
        if (denseBytes > Runtime.getRuntime().maxMemory() / 4) {
            throw ProtoShapes.invalid(what + ": densifying dims " + sp.getDimsList() + " would take " + denseBytes
                    + " bytes, more than a quarter of the heap");
        }
        Tensor dense = dtype == DType.STRING ? null : Tensor.zeros(dtype, shape);
        int[] strides = new int[shape.length];
        int acc = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            strides[d] = acc;
            acc *= shape[d];
        }
        String[] denseStrings = dtype == DType.STRING ? new String[n] : null;
        if (denseStrings != null) {
            Arrays.fill(denseStrings, "");
        }
        String[] valueStrings = dtype == DType.STRING ? values.strings() : null;
        MemorySegment src = dtype == DType.STRING ? null : values.segment();
        MemorySegment dst = dtype == DType.STRING ? null : dense.segment();
        int width = dtype.storageBytes();
        for (int i = 0; i < nnz; i++) {
            long at;
            if (linear) {
                at = indices.getLong(i);
                if (at < 0 || at >= n) {
                    throw ProtoShapes.invalid(what + ": index " + at + " of value " + i + " is outside " + n + " elements");
                }
            } else {
                at = 0;
                for (int d = 0; d < shape.length; d++) {
                    long k = indices.getLong((long) i * shape.length + d);
                    if (k < 0 || k >= shape[d]) {
                        throw ProtoShapes.invalid(what + ": index " + k + " on axis " + d + " of value " + i
                                + " is outside dimension " + shape[d]);
                    }
                    at += k * strides[d];
                }
            }
            if (denseStrings != null) {
                denseStrings[(int) at] = valueStrings[i];
            } else {
                MemorySegment.copy(src, (long) i * width, dst, at * width, width);
            }
        }
        return denseStrings != null ? Tensor.ofStrings(denseStrings, shape) : dense;
    }
}

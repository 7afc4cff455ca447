package io.ghostflow.onnx;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import java.util.List;

/**
 * Checked conversion of the {@code dims} of a TensorProto. A file can claim any 64-bit dims;
 * nothing is allocated from them before they pass here, and every failure names the tensor.
 */
final class ProtoShapes {
    /** Most elements one tensor may hold: Java arrays stop a little short of Integer.MAX_VALUE. */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private ProtoShapes() {
    }

    static int[] shape(List<Long> dims, String what) {
        long n = 1;
        for (int i = 0; i < dims.size(); i++) {
            long d = dims.get(i);
            if (d < 0) {
                throw invalid(what + ": negative dimension " + d + " at axis " + i);
            }
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                throw invalid(what + ": dims " + dims + " overflow 64 bits");
            }
        }
        if (n > MAX_ELEMENTS) {
            throw invalid(what + ": dims " + dims + " hold " + n + " elements, more than " + MAX_ELEMENTS);
        }
        int[] shape = new int[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            long d = dims.get(i);
            if (d > MAX_ELEMENTS) {
                // only possible beside a zero dim; still not an int
                throw invalid(what + ": dimension " + d + " at axis " + i + " is larger than " + MAX_ELEMENTS);
            }
            shape[i] = (int) d;
        }
        return shape;
    }

    /** Element count of a shape already checked by {@link #shape}. */
    static int size(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return (int) n;
    }

    static String name(String tensorName) {
        return "tensor '" + tensorName + "'";
    }

    static GhostFlowException invalid(String message) {
        return new GhostFlowException(ErrorCode.INVALID_FORMAT, message);
    }
}

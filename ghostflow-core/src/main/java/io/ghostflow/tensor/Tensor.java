package io.ghostflow.tensor;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * A dense, row-major tensor. Numeric data lives in a {@link MemorySegment}: either a heap
 * segment over a Java array (intermediate values, so kernels can work on arrays with no copy)
 * or an off-heap/memory-mapped segment (weights, never copied onto the heap). STRING tensors
 * hold a {@code String[]}.
 *
 * <p>The typed array accessors ({@link #floats()}, {@link #longs()}, ...) return the backing
 * array when there is one, so they are free; the caller must treat the result as read-only.
 * The {@code as*} accessors convert from any numeric type.
 */
public final class Tensor implements Value {
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final DType dtype;
    private final int[] shape;
    private final int size;
    private final MemorySegment data;
    private final String[] strings;
    /**
     * The Java array behind data (or the strings), null for off-heap and read-only memory: looked
     * up once. MemorySegment.heapBase() returns a new Optional through a call C2 does not inline,
     * and every floats() and every slot the executor counts asked for it (tens of KB per run).
     */
    private final Object heapArray;

    private Tensor(DType dtype, int[] shape, MemorySegment data, String[] strings) {
        this.dtype = Objects.requireNonNull(dtype);
        this.shape = shape.clone();
        this.size = Shapes.size(this.shape);
        this.data = data;
        this.strings = strings;
        this.heapArray = data == null ? strings : data.heapBase().orElse(null);
        if (dtype == DType.STRING) {
            if (strings == null || strings.length != size) {
                throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH,
                        "string tensor of shape " + Arrays.toString(shape) + " needs " + size + " strings");
            }
        } else {
            long need = (long) size * dtype.storageBytes();
            if (data.byteSize() < need) {
                throw new GhostFlowException(ErrorCode.INVALID_FORMAT, "tensor of shape " + Arrays.toString(shape) + " and type "
                        + dtype + " needs " + need + " bytes, has " + data.byteSize());
            }
        }
    }

    // ---------------------------------------------------------------- factories

    public static Tensor of(float[] values, int... shape) {
        checkLen(values.length, shape);
        return new Tensor(DType.FLOAT, shape, MemorySegment.ofArray(values), null);
    }

    public static Tensor ofDoubles(double[] values, int... shape) {
        checkLen(values.length, shape);
        return new Tensor(DType.DOUBLE, shape, MemorySegment.ofArray(values), null);
    }

    public static Tensor ofLongs(long[] values, int... shape) {
        checkLen(values.length, shape);
        return new Tensor(DType.INT64, shape, MemorySegment.ofArray(values), null);
    }

    public static Tensor ofInts(int[] values, int... shape) {
        checkLen(values.length, shape);
        return new Tensor(DType.INT32, shape, MemorySegment.ofArray(values), null);
    }

    public static Tensor ofBools(boolean[] values, int... shape) {
        checkLen(values.length, shape);
        byte[] b = new byte[values.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (values[i] ? 1 : 0);
        }
        return new Tensor(DType.BOOL, shape, MemorySegment.ofArray(b), null);
    }

    public static Tensor ofStrings(String[] values, int... shape) {
        checkLen(values.length, shape);
        return new Tensor(DType.STRING, shape, null, values.clone());
    }

    /** Wraps a typed Java array whose element width matches the dtype's storage (no copy). */
    public static Tensor ofArray(DType dtype, Object array, int... shape) {
        MemorySegment seg = switch (array) {
            case float[] a -> MemorySegment.ofArray(a);
            case double[] a -> MemorySegment.ofArray(a);
            case long[] a -> MemorySegment.ofArray(a);
            case int[] a -> MemorySegment.ofArray(a);
            case short[] a -> MemorySegment.ofArray(a);
            case byte[] a -> MemorySegment.ofArray(a);
            case String[] a -> null;
            default -> throw new IllegalArgumentException("unsupported array " + array.getClass());
        };
        if (dtype == DType.STRING) {
            return ofStrings((String[]) array, shape);
        }
        Tensor t = new Tensor(dtype, shape, seg, null);
        if (seg.byteSize() != (long) t.size * dtype.storageBytes()) {
            throw new IllegalArgumentException("array of " + seg.byteSize() + " bytes does not fit " + dtype + Arrays.toString(shape));
        }
        return t;
    }

    /** Wraps existing memory (for example a slice of a memory-mapped model file); no copy. */
    public static Tensor wrap(DType dtype, int[] shape, MemorySegment data) {
        return new Tensor(dtype, shape, data, null);
    }

    /** A zero-filled tensor backed by a Java array of the dtype's storage width. */
    public static Tensor zeros(DType dtype, int... shape) {
        int n = Shapes.size(shape);
        if (dtype == DType.STRING) {
            String[] s = new String[n];
            Arrays.fill(s, "");
            return new Tensor(dtype, shape, null, s);
        }
        MemorySegment seg = switch (dtype.storageBytes()) {
            case 1 -> MemorySegment.ofArray(new byte[n]);
            case 2 -> MemorySegment.ofArray(new short[n]);
            case 4 -> dtype == DType.FLOAT ? MemorySegment.ofArray(new float[n]) : MemorySegment.ofArray(new int[n]);
            case 8 -> dtype == DType.DOUBLE ? MemorySegment.ofArray(new double[n])
                    : dtype == DType.COMPLEX64 ? MemorySegment.ofArray(new float[2 * n]) : MemorySegment.ofArray(new long[n]);
            case 16 -> MemorySegment.ofArray(new double[2 * n]);
            default -> throw new IllegalStateException(dtype.toString());
        };
        return new Tensor(dtype, shape, seg, null);
    }

    public static Tensor scalar(float v) {
        return of(new float[] {v});
    }

    public static Tensor scalarLong(long v) {
        return ofLongs(new long[] {v});
    }

    private static void checkLen(int len, int[] shape) {
        if (Shapes.size(shape) != len) {
            throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH,
                    len + " values do not fill shape " + Arrays.toString(shape));
        }
    }

    // ---------------------------------------------------------------- metadata

    public DType dtype() {
        return dtype;
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    public int dim(int i) {
        return shape[i < 0 ? i + shape.length : i];
    }

    public int rank() {
        return shape.length;
    }

    /** Number of elements. */
    public int size() {
        return size;
    }

    /** Bytes of element storage (0 for STRING). */
    public long byteSize() {
        return dtype == DType.STRING ? 0 : (long) size * dtype.storageBytes();
    }

    /** The storage, trimmed to this tensor's bytes. Null for STRING. */
    public MemorySegment segment() {
        return data == null ? null : data.asSlice(0, byteSize());
    }

    /**
     * The Java array holding this tensor's elements (shared by reshaped views), or null when
     * the storage is not a heap array; lets the executor tell when a buffer is no longer used.
     */
    public Object storage() {
        return heapArray;
    }

    /** True when the storage is a Java array (not off-heap or mapped memory). */
    public boolean isHeap() {
        return data != null && heapArray != null;
    }

    /** Same storage, new shape with the same element count. */
    public Tensor reshape(int... newShape) {
        if (Shapes.size(newShape) != size) {
            throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH,
                    "cannot reshape " + Arrays.toString(shape) + " to " + Arrays.toString(newShape));
        }
        return new Tensor(dtype, newShape, data, strings);
    }

    // ---------------------------------------------------------------- typed views (read-only by contract)

    /**
     * A typed heap copy of read-only, non-heap data (initializers wrapped zero-copy from the
     * model file), made by the first typed read and reused by every later one, so that ops
     * reading a weight per run (Gather on an embedding table, a bias) do not copy it each time.
     */
    private volatile Object heapCopy;

    private void cacheCopy(Object copy) {
        if (data != null && data.isReadOnly()) {
            heapCopy = copy;
        }
    }

    private Object backingArray() {
        return heapArray;
    }

    /** FLOAT data; the backing array when heap-backed, else a copy. Do not modify. */
    public float[] floats() {
        require(DType.FLOAT);
        if (backingArray() instanceof float[] a && a.length == size) {
            return a;
        }
        if (heapCopy instanceof float[] c) {
            return c;
        }
        float[] copy = segment().toArray(F32);
        cacheCopy(copy);
        return copy;
    }

    public double[] doubles() {
        require(DType.DOUBLE);
        if (backingArray() instanceof double[] a && a.length == size) {
            return a;
        }
        if (heapCopy instanceof double[] c) {
            return c;
        }
        double[] copy = segment().toArray(F64);
        cacheCopy(copy);
        return copy;
    }

    /** INT64 or UINT64 data (raw 64-bit patterns). */
    public long[] longs() {
        if (dtype != DType.INT64 && dtype != DType.UINT64) {
            require(DType.INT64);
        }
        if (backingArray() instanceof long[] a && a.length == size) {
            return a;
        }
        if (heapCopy instanceof long[] c) {
            return c;
        }
        long[] copy = segment().toArray(I64);
        cacheCopy(copy);
        return copy;
    }

    /** INT32 or UINT32 data (raw 32-bit patterns). */
    public int[] ints() {
        if (dtype != DType.INT32 && dtype != DType.UINT32) {
            require(DType.INT32);
        }
        if (backingArray() instanceof int[] a && a.length == size) {
            return a;
        }
        if (heapCopy instanceof int[] c) {
            return c;
        }
        int[] copy = segment().toArray(I32);
        cacheCopy(copy);
        return copy;
    }

    /** 16-bit storage: INT16, UINT16, FLOAT16 and BFLOAT16 bit patterns. */
    public short[] shorts() {
        if (dtype.storageBytes() != 2) {
            require(DType.INT16);
        }
        if (backingArray() instanceof short[] a && a.length == size) {
            return a;
        }
        if (heapCopy instanceof short[] c) {
            return c;
        }
        short[] copy = segment().toArray(I16);
        cacheCopy(copy);
        return copy;
    }

    /** 8-bit storage: INT8, UINT8, BOOL and the unpacked narrow types. */
    public byte[] bytes() {
        if (dtype.storageBytes() != 1) {
            require(DType.INT8);
        }
        if (backingArray() instanceof byte[] a && a.length == size) {
            return a;
        }
        if (heapCopy instanceof byte[] c) {
            return c;
        }
        byte[] copy = segment().toArray(ValueLayout.JAVA_BYTE);
        cacheCopy(copy);
        return copy;
    }

    public boolean[] bools() {
        byte[] b = bytes();
        boolean[] out = new boolean[size];
        for (int i = 0; i < size; i++) {
            out[i] = b[i] != 0;
        }
        return out;
    }

    public String[] strings() {
        require(DType.STRING);
        return strings;
    }

    private void require(DType expected) {
        if (dtype != expected) {
            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "expected a " + expected + " tensor, got " + dtype);
        }
    }

    // ---------------------------------------------------------------- conversions from any numeric type

    /** Values as float[] (no copy when already FLOAT and heap-backed). */
    public float[] asFloats() {
        if (dtype == DType.FLOAT) {
            return floats();
        }
        float[] out = new float[size];
        for (int i = 0; i < size; i++) {
            out[i] = (float) getDouble(i);
        }
        return out;
    }

    public double[] asDoubles() {
        if (dtype == DType.DOUBLE) {
            return doubles();
        }
        double[] out = new double[size];
        for (int i = 0; i < size; i++) {
            out[i] = getDouble(i);
        }
        return out;
    }

    /** Values as long[]: integers sign- or zero-extended, floats truncated toward zero, bools 0/1. */
    public long[] asLongs() {
        if (dtype == DType.INT64) {
            return longs();
        }
        long[] out = new long[size];
        for (int i = 0; i < size; i++) {
            out[i] = getLong(i);
        }
        return out;
    }

    public int[] asInts() {
        int[] out = new int[size];
        for (int i = 0; i < size; i++) {
            out[i] = (int) getLong(i);
        }
        return out;
    }

    // ---------------------------------------------------------------- element access

    /** Element {@code i} (flat index) as a double, for any numeric or bool type. */
    public double getDouble(long i) {
        return switch (dtype) {
            case FLOAT -> data.getAtIndex(F32, i);
            case DOUBLE -> data.getAtIndex(F64, i);
            case FLOAT16 -> Float.float16ToFloat(data.getAtIndex(I16, i));
            case BFLOAT16 -> Float.intBitsToFloat((data.getAtIndex(I16, i) & 0xffff) << 16);
            case UINT64 -> {
                long v = data.getAtIndex(I64, i);
                yield v >= 0 ? (double) v : ((double) (v >>> 1)) * 2.0 + (v & 1);
            }
            case FLOAT8E4M3FN, FLOAT8E4M3FNUZ, FLOAT8E5M2, FLOAT8E5M2FNUZ, FLOAT4E2M1, FLOAT8E8M0 ->
                    NarrowFloats.toFloat(dtype, data.get(ValueLayout.JAVA_BYTE, i));
            default -> getLong(i);
        };
    }

    /** Element {@code i} as a long; unsigned types zero-extended, floats truncated toward zero. */
    public long getLong(long i) {
        return switch (dtype) {
            case INT64, UINT64 -> data.getAtIndex(I64, i);
            case INT32 -> data.getAtIndex(I32, i);
            case UINT32 -> data.getAtIndex(I32, i) & 0xffffffffL;
            case INT16 -> data.getAtIndex(I16, i);
            case UINT16 -> data.getAtIndex(I16, i) & 0xffff;
            case INT8, INT4, INT2 -> data.get(ValueLayout.JAVA_BYTE, i);
            case UINT8, BOOL, UINT4, UINT2 -> data.get(ValueLayout.JAVA_BYTE, i) & 0xff;
            case STRING, COMPLEX64, COMPLEX128 -> throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT,
                    "no numeric value for a " + dtype + " element");
            default -> (long) getDouble(i);
        };
    }

    public float getFloat(long i) {
        return dtype == DType.FLOAT ? data.getAtIndex(F32, i) : (float) getDouble(i);
    }

    /** Stores {@code v} at flat index {@code i}, rounding/wrapping to the dtype as a C cast would. */
    public void setDouble(long i, double v) {
        switch (dtype) {
            case FLOAT -> data.setAtIndex(F32, i, (float) v);
            case DOUBLE -> data.setAtIndex(F64, i, v);
            case FLOAT16 -> data.setAtIndex(I16, i, Float.floatToFloat16((float) v));
            case BFLOAT16 -> data.setAtIndex(I16, i, NarrowFloats.toBFloat16((float) v));
            case FLOAT8E4M3FN, FLOAT8E4M3FNUZ, FLOAT8E5M2, FLOAT8E5M2FNUZ, FLOAT4E2M1, FLOAT8E8M0 ->
                    data.set(ValueLayout.JAVA_BYTE, i, NarrowFloats.fromFloat(dtype, (float) v, true));
            case BOOL -> data.set(ValueLayout.JAVA_BYTE, i, (byte) (v != 0 ? 1 : 0));
            default -> setLong(i, doubleToLong(v));
        }
    }

    private long doubleToLong(double v) {
        if (dtype == DType.UINT64 && v >= 0x1p63) {
            return (long) (v - 0x1p63) + Long.MIN_VALUE;
        }
        return (long) v;
    }

    /** Stores the low bits of {@code v} (integer types wrap, as a C cast would). */
    public void setLong(long i, long v) {
        switch (dtype) {
            case INT64, UINT64 -> data.setAtIndex(I64, i, v);
            case INT32, UINT32 -> data.setAtIndex(I32, i, (int) v);
            case INT16, UINT16 -> data.setAtIndex(I16, i, (short) v);
            case INT8, UINT8 -> data.set(ValueLayout.JAVA_BYTE, i, (byte) v);
            case INT4 -> data.set(ValueLayout.JAVA_BYTE, i, (byte) ((v << 60) >> 60));
            case UINT4 -> data.set(ValueLayout.JAVA_BYTE, i, (byte) (v & 0xf));
            case INT2 -> data.set(ValueLayout.JAVA_BYTE, i, (byte) ((v << 62) >> 62));
            case UINT2 -> data.set(ValueLayout.JAVA_BYTE, i, (byte) (v & 0x3));
            case BOOL -> data.set(ValueLayout.JAVA_BYTE, i, (byte) (v != 0 ? 1 : 0));
            case STRING, COMPLEX64, COMPLEX128 -> throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT,
                    "cannot store a number in a " + dtype + " tensor");
            default -> setDouble(i, (double) v);
        }
    }

    // ---------------------------------------------------------------- misc

    /** A deep copy on the heap. */
    public Tensor copy() {
        if (dtype == DType.STRING) {
            return ofStrings(strings, shape);
        }
        Tensor t = zeros(dtype, shape);
        MemorySegment.copy(data, 0, t.data, 0, byteSize());
        return t;
    }

    /** Same dtype and shape, all elements equal (NaN equal to NaN). */
    public boolean contentEquals(Tensor o) {
        if (o == null || dtype != o.dtype || !Arrays.equals(shape, o.shape)) {
            return false;
        }
        if (dtype == DType.STRING) {
            return Arrays.equals(strings, o.strings);
        }
        return segment().mismatch(o.segment()) == -1;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor(").append(dtype).append(Arrays.toString(shape)).append(": ");
        int n = Math.min(size, 8);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(dtype == DType.STRING ? strings[i] : dtype.isFloatingPoint() ? Double.toString(getDouble(i)) : Long.toString(getLong(i)));
        }
        return sb.append(size > n ? ", ...)" : ")").toString();
    }
}

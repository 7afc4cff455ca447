package io.ghostflow.onnx;

import io.ghostflow.tensor.DType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Sub-byte types in files versus memory. ONNX packs INT4/UINT4/FLOAT4E2M1 two per byte and
 * INT2/UINT2 four per byte, first element in the least significant bits; GhostFlow keeps one
 * element per byte (signed types sign-extended), so every element is addressable.
 */
final class PackedBits {
    private PackedBits() {
    }

    /** Bits per element in a file, or 0 when the file layout equals GhostFlow's storage. */
    static int bitsPerElement(DType t) {
        return switch (t) {
            case INT4, UINT4, FLOAT4E2M1 -> 4;
            case INT2, UINT2 -> 2;
            default -> 0;
        };
    }

    static boolean isPacked(DType t) {
        return bitsPerElement(t) != 0;
    }

    /** Bytes that {@code n} packed elements take (the last byte may be part-filled). */
    static long packedBytes(DType t, long n) {
        int perByte = 8 / bitsPerElement(t);
        return (n + perByte - 1) / perByte;
    }

    /** Elements held by one packed byte. */
    static int perByte(DType t) {
        return 8 / bitsPerElement(t);
    }

    /** The element at position {@code k} of packed byte {@code b}, as GhostFlow stores it. */
    static byte element(DType t, int b, int k) {
        int bits = bitsPerElement(t);
        int v = (b >>> (k * bits)) & ((1 << bits) - 1);
        if (t == DType.INT4 || t == DType.INT2) {
            int shift = 32 - bits;
            v = (v << shift) >> shift;
        }
        return (byte) v;
    }

    /** Unpacks {@code n} elements from {@code src} (which holds at least packedBytes(n) bytes). */
    static byte[] unpack(DType t, MemorySegment src, int n) {
        byte[] out = new byte[n];
        int per = perByte(t);
        for (int i = 0; i < n; i++) {
            int b = src.get(ValueLayout.JAVA_BYTE, i / per) & 0xff;
            out[i] = element(t, b, i % per);
        }
        return out;
    }

    /** Packs one-per-byte storage into file layout; unused high bits of the last byte are zero. */
    static byte[] pack(DType t, MemorySegment src, int n) {
        int bits = bitsPerElement(t);
        int per = perByte(t);
        int mask = (1 << bits) - 1;
        byte[] out = new byte[(int) packedBytes(t, n)];
        for (int i = 0; i < n; i++) {
            int v = src.get(ValueLayout.JAVA_BYTE, i) & mask;
            out[i / per] |= (byte) (v << ((i % per) * bits));
        }
        return out;
    }
}

package io.ghostflow.server.protocol;

import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The fast path for the common inference request: plain fields, FP32 {@code data} given after
 * {@code datatype} and {@code shape}, or binary inputs. It reads the bytes directly (a general
 * tokenizer spends more time per number than the conversion itself) and returns null on anything
 * else, valid or not, so that {@link InferRequestParser}'s full parser handles it and gives its
 * precise error messages. Numbers convert exactly as {@link Float#parseFloat} does.
 */
final class FastRequestReader {
    private static final double[] POW10 = new double[23];
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    static {
        double p = 1;
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = p;
            p *= 10;
        }
    }

    /** Signals "not the fast case" from deep inside; no stack trace (it is control flow). */
    private static final class Bail extends RuntimeException {
        Bail() {
            super(null, null, false, false);
        }
    }

    private static final Bail BAIL = new Bail();
    private final byte[] b;
    private final int end;
    private int at;

    private FastRequestReader(byte[] b, int from, int length) {
        this.b = b;
        this.at = from;
        this.end = from + length;
    }

    /** The request, or null when it is not the fast case (the caller then uses the full parser). */
    static InferRequest tryRead(byte[] bytes, int from, int length) {
        try {
            return new FastRequestReader(bytes, from, length).request();
        } catch (Bail | ArrayIndexOutOfBoundsException e) {
            return null;
        }
    }

    private InferRequest request() {
        String id = null;
        List<InferInput> inputs = null;
        List<InferRequest.RequestedOutput> outputs = List.of();
        boolean binaryOut = false;
        long timeout = -1;
        expect('{');
        if (!peekIs('}')) {
            do {
                String field = string();
                expect(':');
                switch (field) {
                    case "id" -> id = string();
                    case "inputs" -> {
                        inputs = new ArrayList<>();
                        expect('[');
                        do {
                            inputs.add(input());
                        } while (comma(']'));
                    }
                    case "outputs" -> {
                        outputs = new ArrayList<>();
                        expect('[');
                        do {
                            outputs.add(output());
                        } while (comma(']'));
                    }
                    case "parameters" -> {
                        expect('{');
                        do {
                            String name = string();
                            expect(':');
                            switch (name) {
                                case "binary_data_output" -> binaryOut = bool();
                                case "timeout" -> timeout = integer();
                                default -> throw BAIL;
                            }
                        } while (comma('}'));
                    }
                    default -> throw BAIL;
                }
            } while (comma('}'));
        } else {
            at++;
        }
        ws();
        if (at != end || inputs == null || inputs.isEmpty()) {
            throw BAIL;
        }
        return new InferRequest(id, inputs, outputs, binaryOut, timeout);
    }

    private InferRequest.RequestedOutput output() {
        String name = null;
        Boolean binary = null;
        expect('{');
        do {
            String field = string();
            expect(':');
            switch (field) {
                case "name" -> name = string();
                case "parameters" -> {
                    expect('{');
                    do {
                        if (!string().equals("binary_data")) {
                            throw BAIL;
                        }
                        expect(':');
                        binary = bool();
                    } while (comma('}'));
                }
                default -> throw BAIL;
            }
        } while (comma('}'));
        if (name == null) {
            throw BAIL;
        }
        return new InferRequest.RequestedOutput(name, binary);
    }

    private InferInput input() {
        String name = null;
        String datatype = null;
        int[] shape = null;
        long binarySize = -1;
        Tensor tensor = null;
        expect('{');
        do {
            String field = string();
            expect(':');
            switch (field) {
                case "name" -> name = string();
                case "datatype" -> datatype = string();
                case "shape" -> shape = shape();
                case "parameters" -> {
                    expect('{');
                    do {
                        if (!string().equals("binary_data_size")) {
                            throw BAIL;
                        }
                        expect(':');
                        binarySize = integer();
                    } while (comma('}'));
                }
                case "data" -> {
                    if (!"FP32".equals(datatype) || shape == null || tensor != null) {
                        throw BAIL;
                    }
                    tensor = Tensor.of(floats(shape), shape);
                }
                default -> throw BAIL;
            }
        } while (comma('}'));
        if (name == null || datatype == null || shape == null || (tensor == null) == (binarySize < 0)) {
            throw BAIL;
        }
        DType dtype = DataTypes.of(datatype, name);
        return new InferInput(name, dtype, shape, tensor, tensor != null ? -1 : binarySize);
    }

    private int[] shape() {
        expect('[');
        int[] s = new int[8];
        int n = 0;
        if (peekIs(']')) {
            at++;
            return new int[0];
        }
        do {
            long d = integer();
            if (d > Integer.MAX_VALUE) {
                throw BAIL;
            }
            if (n == s.length) {
                s = Arrays.copyOf(s, n * 2);
            }
            s[n++] = (int) d;
        } while (comma(']'));
        return Arrays.copyOf(s, n);
    }

    /** A flat or nested array of exactly shape's element count. */
    private float[] floats(int[] shape) {
        long count = TensorData.count(shape);
        if (count > Integer.MAX_VALUE) {
            throw BAIL;
        }
        float[] out = new float[(int) count];
        filled = 0;
        array(out, 0);
        if (filled != out.length) {
            throw BAIL;
        }
        return out;
    }

    private int filled;

    private void array(float[] out, int depth) {
        expect('[');
        if (depth > 32) {
            throw BAIL;
        }
        if (peekIs(']')) {
            at++;
            return;
        }
        do {
            ws();
            if (b[at] == '[') {
                array(out, depth + 1);
            } else {
                if (filled == out.length) {
                    throw BAIL;
                }
                out[filled++] = number();
            }
        } while (comma(']'));
    }

    /** One JSON number as the nearest float (Clinger's fast path; anything harder via Float.parseFloat). */
    private float number() {
        int start = at;
        boolean negative = false;
        if (b[at] == '-') {
            negative = true;
            at++;
        }
        long m = 0;
        int digits = 0; // significant digits taken into m
        int exp = 0;
        boolean exact = true;
        byte c = b[at];
        if (c == '0') {
            at++;
        } else if (c >= '1' && c <= '9') {
            while (at < end && (c = b[at]) >= '0' && c <= '9') {
                if (digits < 19) {
                    m = m * 10 + (c - '0');
                    digits++;
                } else {
                    exact = false;
                }
                at++;
            }
        } else {
            throw BAIL;
        }
        if (at < end && b[at] == '.') {
            at++;
            int fracStart = at;
            // eight digits at a time while they fit in m (counting leading zeros too is merely
            // conservative: at worst a number takes the Float.parseFloat route)
            while (digits <= 11 && at + 8 <= b.length) {
                int eight = eightDigits((long) LONG_LE.get(b, at));
                if (eight < 0) {
                    break;
                }
                m = m * 100_000_000L + eight;
                digits += 8;
                exp -= 8;
                at += 8;
            }
            while (at < end && (c = b[at]) >= '0' && c <= '9') {
                if (digits < 19) {
                    if (m != 0 || c != '0') {
                        digits++;
                    }
                    m = m * 10 + (c - '0');
                    exp--;
                } else {
                    exact = false;
                }
                at++;
            }
            if (at == fracStart) {
                throw BAIL;
            }
        }
        if (at < end && (b[at] == 'e' || b[at] == 'E')) {
            at++;
            boolean eneg = false;
            if (b[at] == '+' || b[at] == '-') {
                eneg = b[at] == '-';
                at++;
            }
            int expStart = at;
            int e = 0;
            while (at < end && (c = b[at]) >= '0' && c <= '9') {
                if (e < 100_000) {
                    e = e * 10 + (c - '0');
                }
                at++;
            }
            if (at == expStart) {
                throw BAIL;
            }
            exp += eneg ? -e : e;
        }
        if (at < end) {
            byte next = b[at];
            if (next != ',' && next != ']' && next != ' ' && next != '\n' && next != '\r' && next != '\t') {
                throw BAIL;
            }
        }
        if (m == 0 && exact) {
            // like the full parser: "-0" is the integer zero, "-0.0" the float negative zero
            return negative && at - start > 2 ? -0.0f : 0.0f;
        }
        if (exact && m < (1L << 53) && exp >= -22 && exp <= 22) {
            double d = exp >= 0 ? m * POW10[exp] : m / POW10[-exp];
            // d is the correctly rounded double; narrowing it is correct unless it sits exactly on a
            // midpoint between two floats (double rounding), or outside the normal float range
            long bits = Double.doubleToRawLongBits(d);
            if ((bits & 0x1FFFFFFFL) != 0x10000000L && d >= 0x1.0p-125 && d <= Float.MAX_VALUE) {
                float f = (float) d;
                return negative ? -f : f;
            }
        }
        return Float.parseFloat(new String(b, start, at - start, StandardCharsets.ISO_8859_1));
    }

    /** The value of eight ASCII digits (little-endian in {@code chunk}), or -1 if any byte is not a digit. */
    static int eightDigits(long chunk) {
        long val = chunk - 0x3030303030303030L;
        if ((((chunk + 0x4646464646464646L) | val) & 0x8080808080808080L) != 0L) {
            return -1;
        }
        val = val * 10 + (val >>> 8);
        val = (((val & 0x000000FF000000FFL) * 0x000F424000000064L) + (((val >>> 16) & 0x000000FF000000FFL) * 0x0000271000000001L)) >>> 32;
        return (int) val;
    }

    private long integer() {
        ws();
        int start = at;
        long v = 0;
        byte c;
        while (at < end && (c = b[at]) >= '0' && c <= '9') {
            v = v * 10 + (c - '0');
            at++;
        }
        int len = at - start;
        if (len == 0 || len > 18 || (len > 1 && b[start] == '0')) {
            throw BAIL;
        }
        return v;
    }

    private boolean bool() {
        ws();
        if (match("true")) {
            return true;
        }
        if (match("false")) {
            return false;
        }
        throw BAIL;
    }

    private boolean match(String word) {
        for (int i = 0; i < word.length(); i++) {
            if (b[at + i] != word.charAt(i)) {
                return false;
            }
        }
        at += word.length();
        return true;
    }

    /** A string without escapes or control characters. */
    private String string() {
        expect('"');
        int start = at;
        byte c;
        while ((c = b[at]) != '"') {
            if (c == '\\' || (c >= 0 && c < 0x20)) {
                throw BAIL;
            }
            at++;
        }
        at++;
        return new String(b, start, at - 1 - start, StandardCharsets.UTF_8);
    }

    /** After a member: true on ',' (another follows), false on {@code close}. */
    private boolean comma(char close) {
        ws();
        byte c = b[at++];
        if (c == ',') {
            return true;
        }
        if (c == close) {
            return false;
        }
        throw BAIL;
    }

    private void expect(char c) {
        ws();
        if (at >= end || b[at] != c) {
            throw BAIL;
        }
        at++;
    }

    private boolean peekIs(char c) {
        ws();
        return at < end && b[at] == c;
    }

    private void ws() {
        while (at < end) {
            byte c = b[at];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            at++;
        }
    }
}

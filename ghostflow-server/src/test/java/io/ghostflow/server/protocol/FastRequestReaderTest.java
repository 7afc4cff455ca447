package io.ghostflow.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The byte-level fast path must give exactly what the full (Jackson) parser gives, or step aside. */
class FastRequestReaderTest {
    private static InferRequest fast(String json) {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        return FastRequestReader.tryRead(b, 0, b.length);
    }

    private static InferRequest full(String json) {
        return InferRequestParser.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void floatsMatchTheFullParserBitForBit() {
        Random r = new Random(42);
        StringBuilder sb = new StringBuilder("{\"id\":\"a\",\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[2,2000],\"data\":[[");
        String[] special = {"0", "-0", "0.0", "-0.0", "1e0", "1E+2", "3.4028235e38", "1.17549435E-38", "1.4e-45", "123456789012345678901234",
                "0.000000000000000000000000001", "16777217", "0.1", "2.5e-3", "9007199254740993", "1.00000005960464477539062500001"};
        for (int i = 0; i < 4000; i++) {
            if (i == 2000) {
                sb.append("],[");
            } else if (i % 2000 != 0) {
                sb.append(i % 7 == 0 ? " , " : ",");
            }
            String v = switch (i % 5) {
                case 0 -> Float.toString(r.nextFloat() * (r.nextBoolean() ? -1 : 1));
                case 1 -> Double.toString(r.nextGaussian() * Math.pow(10, r.nextInt(20) - 10));
                case 2 -> Float.toString(Float.intBitsToFloat(r.nextInt()) ).replace("NaN", "1").replace("Infinity", "2");
                case 3 -> special[r.nextInt(special.length)];
                default -> Long.toString(r.nextLong() >> r.nextInt(64));
            };
            sb.append(v);
        }
        sb.append("]]}],\"outputs\":[{\"name\":\"y\",\"parameters\":{\"binary_data\":true}}],\"parameters\":{\"binary_data_output\":false,\"timeout\":77}}");
        InferRequest f = fast(sb.toString());
        InferRequest j = full(sb.toString());
        assertThat(f).isNotNull();
        assertThat(f.id()).isEqualTo(j.id());
        assertThat(f.timeoutMicros()).isEqualTo(77);
        assertThat(f.outputs()).isEqualTo(j.outputs());
        assertThat(f.inputs().get(0).shape()).containsExactly(2, 2000);
        float[] a = f.inputs().get(0).tensor().floats();
        float[] b = j.inputs().get(0).tensor().floats();
        for (int i = 0; i < a.length; i++) {
            assertThat(Float.floatToRawIntBits(a[i])).as("element %d", i).isEqualTo(Float.floatToRawIntBits(b[i]));
        }
    }

    @Test
    void eightDigitsAtOnce() {
        for (String d : new String[] {"00000000", "12345678", "99999999", "00000001", "10000000", "40960512"}) {
            long chunk = 0;
            for (int i = 7; i >= 0; i--) {
                chunk = chunk << 8 | d.charAt(i);
            }
            assertThat(FastRequestReader.eightDigits(chunk)).as(d).isEqualTo(Integer.parseInt(d));
        }
        assertThat(FastRequestReader.eightDigits(0x3030303030302C30L)).isEqualTo(-1); // a comma among digits
    }

    @Test
    void binaryInputsAreRead() {
        InferRequest f = fast("{\"inputs\":[{\"name\":\"x\",\"shape\":[1,3],\"datatype\":\"FP32\",\"parameters\":{\"binary_data_size\":12}}]}");
        assertThat(f).isNotNull();
        assertThat(f.inputs().get(0).binarySize()).isEqualTo(12);
        assertThat(f.inputs().get(0).tensor()).isNull();
    }

    @Test
    void everythingElseIsLeftToTheFullParser() {
        String[] others = {
            "{\"inputs\":[{\"name\":\"x\",\"shape\":[2],\"datatype\":\"FP32\",\"data\":[01,2]}]}", // leading zero
            "{\"inputs\":[{\"name\":\"x\",\"shape\":[2],\"datatype\":\"FP32\",\"data\":[1,,2]}]}",
            "{\"inputs\":[{\"name\":\"x\",\"shape\":[2],\"datatype\":\"FP32\",\"data\":[1 2]}]}",
            "{\"inputs\":[{\"name\":\"x\",\"shape\":[3],\"datatype\":\"FP32\",\"data\":[1,2]}]}", // count mismatch
            "{\"inputs\":[{\"name\":\"x\",\"shape\":[2],\"datatype\":\"FP32\",\"data\":[1,2]}]", // truncated
            "{\"inputs\":[{\"name\":\"x\",\"data\":[1,2],\"shape\":[2],\"datatype\":\"FP32\"}]}", // data first
            "{\"inputs\":[{\"name\":\"x\",\"shape\":[2],\"datatype\":\"INT64\",\"data\":[1,2]}]}",
            "{\"inputs\":[{\"name\":\"x\\u0041\",\"shape\":[2],\"datatype\":\"FP32\",\"data\":[1,2]}]}", // escape
            "{\"inputs\":[{\"name\":\"x\",\"shape\":[2],\"datatype\":\"FP32\",\"data\":[1.,2]}]}",
            "{\"inputs\":[{\"name\":\"x\",\"shape\":[2],\"datatype\":\"FP32\",\"data\":[1,2]}],\"extra\":{}}",
        };
        for (String s : others) {
            assertThat(fast(s)).as(s).isNull();
        }
    }
}

package io.ghostflow.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Typed reads of read-only wrapped data are copied once and then reused; writable data is never cached. */
class TensorHeapCopyTest {
    private static ByteBuffer floatsLe(float... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.flip();
    }

    @Test
    void readOnlyDataIsCopiedOnce() {
        Tensor t = Tensor.wrap(DType.FLOAT, new int[] {3}, MemorySegment.ofBuffer(floatsLe(1f, 2f, 3f).asReadOnlyBuffer()));
        float[] a = t.floats();
        assertThat(a).containsExactly(1f, 2f, 3f);
        assertThat(t.floats()).isSameAs(a);
    }

    @Test
    void writableDataIsReadFreshEachTime() {
        MemorySegment seg = MemorySegment.ofBuffer(floatsLe(1f, 2f));
        Tensor t = Tensor.wrap(DType.FLOAT, new int[] {2}, seg);
        float[] before = t.floats();
        seg.set(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0, 9f);
        assertThat(before[0]).isEqualTo(1f);
        assertThat(t.floats()[0]).isEqualTo(9f);
    }

    @Test
    void storageIsTheBackingArraySharedByReshapes() {
        float[] data = {1f, 2f, 3f, 4f};
        Tensor t = Tensor.of(data, 2, 2);
        assertThat(t.storage()).isSameAs(data);
        assertThat(t.reshape(4).storage()).isSameAs(data);
    }
}

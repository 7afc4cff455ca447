package io.ghostflow.runtime.exec;

import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.ArrayList;
import java.util.IdentityHashMap;

/**
 * Output buffers of one graph reused across runs. Arrays handed out by {@link #floats} are
 * "owned"; the executor counts the slots that hold a tensor stored in an owned array
 * ({@link #retain} when a slot is set, {@link #release} when the slot dies) and an array whose
 * count drops to zero goes to the free list, from which a later node of the same or a later
 * run takes it. Arrays still referenced at the end of a run (graph outputs, values kept by the
 * caller) are forgotten by {@link #endRun}, so the caller owns them for good.
 *
 * <p>Used by one run at a time (the graph keeps one idle pool; concurrent runs get their own).
 * Steady state with fixed shapes: no allocation (IdentityHashMap reuses its table; counts are
 * small cached Integers).
 */
final class BufferPool {
    private static final int MAX_FREE = 256;

    /** Free arrays, matched by exact length (few distinct sizes, so a scan beats a map). */
    private final ArrayList<float[]> free = new ArrayList<>();
    /** Owned arrays handed out in this run -> number of live slots holding them. */
    private final IdentityHashMap<Object, Integer> owned = new IdentityHashMap<>();

    float[] floats(int n) {
        for (int i = free.size() - 1; i >= 0; i--) {
            float[] a = free.get(i);
            if (a.length == n) {
                int last = free.size() - 1;
                free.set(i, free.get(last));
                free.remove(last);
                owned.put(a, 0);
                return a;
            }
        }
        float[] a = new float[n];
        owned.put(a, 0);
        return a;
    }

    void retain(Value v) {
        if (v instanceof io.ghostflow.tensor.TensorSequence || v instanceof io.ghostflow.tensor.OptionalValue) {
            escape(v);
            return;
        }
        Object s = storageOf(v);
        if (s != null) {
            Integer c = owned.get(s);
            if (c != null) {
                owned.put(s, c + 1);
            }
        }
    }

    void release(Value v) {
        Object s = storageOf(v);
        if (s == null) {
            return;
        }
        Integer c = owned.get(s);
        if (c == null) {
            return;
        }
        if (c <= 1) {
            owned.remove(s);
            if (free.size() >= MAX_FREE) {
                // Shapes that keep changing would grow the list without bound: drop the oldest.
                free.remove(0);
            }
            free.add((float[]) s);
        } else {
            owned.put(s, c - 1);
        }
    }

    /** A kernel's scratch array back to the free list (see ExecContext#recycleBuffer). */
    void recycle(float[] a) {
        owned.remove(a);
        if (free.size() >= MAX_FREE) {
            free.remove(0);
        }
        free.add(a);
    }

    /** Tensors inside a sequence or optional are not counted: their arrays leave the pool for good. */
    private void escape(Value v) {
        if (v instanceof io.ghostflow.tensor.TensorSequence seq) {
            for (Tensor t : seq.tensors()) {
                escape(t);
            }
        } else if (v instanceof io.ghostflow.tensor.OptionalValue o) {
            if (o.value() != null) {
                escape(o.value());
            }
        } else {
            Object s = storageOf(v);
            if (s != null) {
                owned.remove(s);
            }
        }
    }

    /** Forgets the arrays still in use: they now belong to whoever holds the results. */
    void endRun() {
        owned.clear();
        java.util.Arrays.fill(slots, null);
        for (Value[] a : args) {
            java.util.Arrays.fill(a, null);
        }
    }

    /** The value slots and per-node argument arrays of a run, reused with the pool. */
    final Value[] slots;
    final Value[][] args;
    /** Shape arithmetic of the last run on this pool, reused while shapes stay the same. */
    final ShapeMemo memo;

    BufferPool(int slotCount, int[][] inputSlots) {
        memo = new ShapeMemo(inputSlots.length);
        slots = new Value[slotCount];
        args = new Value[inputSlots.length][];
        for (int i = 0; i < args.length; i++) {
            args[i] = new Value[inputSlots[i].length];
        }
    }

    private static Object storageOf(Value v) {
        return v instanceof Tensor t && t.storage() instanceof float[] a ? a : null;
    }
}

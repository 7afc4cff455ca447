package io.ghostflow.runtime.plan;

import io.ghostflow.runtime.InferenceSession;
import io.ghostflow.runtime.Result;
import io.ghostflow.runtime.graph.ValueInfo;
import io.ghostflow.tensor.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Liveness-based buffer planning over a recorded run. Each activation lives from the step that
 * produces it to the last step that reads it (graph outputs to the end). Buffers are placed in
 * one arena by best fit over freed blocks; an element-wise op whose input dies at that step
 * writes over it (in place); shape-only ops (Reshape, Flatten, Squeeze, Unsqueeze, Identity)
 * are views and extend their input's life instead of taking memory.
 */
public final class MemoryPlanner {
    private static final Set<String> VIEWS = Set.of("Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity", "Dropout");
    private static final Set<String> ELEMENTWISE = Set.of("Relu", "LeakyRelu", "Sigmoid", "Tanh", "Clip", "HardSwish", "HardSigmoid",
            "Erf", "Exp", "Log", "Sqrt", "Neg", "Abs", "Reciprocal", "Gelu", "Add", "Sub", "Mul", "Div", "Pow", "Where", "Cast",
            "Elu", "Selu", "Softplus", "Softsign", "Mish", "Sin", "Cos", "Floor", "Ceil", "Round", "Sign", "Not", "IsNaN");

    private MemoryPlanner() {
    }

    /** Runs {@code session} once on {@code feeds} and plans from what it saw. */
    public static MemoryPlan measure(InferenceSession session, Map<String, ? extends Value> feeds) {
        PlanRecorder rec = new PlanRecorder();
        try (Result r = session.run(feeds, null, rec)) {
            Set<String> outs = new HashSet<>();
            for (ValueInfo v : session.outputs()) {
                outs.add(v.name());
            }
            return plan(rec.steps(), outs);
        }
    }

    public static MemoryPlan plan(List<PlanRecorder.Step> steps, Set<String> graphOutputs) {
        // buffer id per value; views share their input's buffer
        Map<String, Integer> bufferOf = new HashMap<>();
        List<long[]> buffers = new ArrayList<>(); // {bytes, start, end}
        int inPlace = 0;
        int aliases = 0;
        long noReuse = 0;
        int last = steps.size();
        for (int s = 0; s < steps.size(); s++) {
            PlanRecorder.Step st = steps.get(s);
            for (String in : st.inputs()) {
                Integer b = bufferOf.get(in);
                if (b != null) {
                    buffers.get(b)[2] = Math.max(buffers.get(b)[2], s);
                }
            }
            for (int o = 0; o < st.outputs().size(); o++) {
                String name = st.outputs().get(o);
                long bytes = st.outputBytes()[o];
                if (name.isEmpty() || bytes < 0) {
                    continue;
                }
                Integer src = st.inputs().isEmpty() ? null : bufferOf.get(st.inputs().get(0));
                if (o == 0 && VIEWS.contains(st.opType()) && src != null) {
                    bufferOf.put(name, src);
                    aliases++;
                    continue;
                }
                noReuse += bytes;
                Integer reuse = o == 0 && ELEMENTWISE.contains(st.opType()) ? dyingInput(st, s, steps, bufferOf, buffers, bytes, graphOutputs) : null;
                if (reuse != null) {
                    bufferOf.put(name, reuse);
                    inPlace++;
                    continue;
                }
                bufferOf.put(name, buffers.size());
                buffers.add(new long[] {bytes, s, s});
            }
        }
        for (String out : graphOutputs) {
            Integer b = bufferOf.get(out);
            if (b != null) {
                buffers.get(b)[2] = last;
            }
        }
        return new MemoryPlan(noReuse, arena(buffers, last), peakLive(buffers, last), buffers.size(), inPlace, aliases);
    }

    /** A buffer of an input that nobody reads after step s, of the same size: the output can overwrite it. */
    private static Integer dyingInput(PlanRecorder.Step st, int s, List<PlanRecorder.Step> steps, Map<String, Integer> bufferOf,
                                      List<long[]> buffers, long bytes, Set<String> graphOutputs) {
        for (String in : st.inputs()) {
            Integer b = bufferOf.get(in);
            if (b == null || buffers.get(b)[0] != bytes || readLater(b, s, steps, bufferOf) || holdsOutput(b, bufferOf, graphOutputs)) {
                continue;
            }
            return b;
        }
        return null;
    }

    private static boolean readLater(int buffer, int s, List<PlanRecorder.Step> steps, Map<String, Integer> bufferOf) {
        for (int k = s + 1; k < steps.size(); k++) {
            for (String in : steps.get(k).inputs()) {
                Integer b = bufferOf.get(in);
                if (b != null && b == buffer) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean holdsOutput(int buffer, Map<String, Integer> bufferOf, Set<String> graphOutputs) {
        for (String o : graphOutputs) {
            Integer b = bufferOf.get(o);
            if (b != null && b == buffer) {
                return true;
            }
        }
        return false;
    }

    /** Best-fit placement in one arena, processing buffers by start step; returns the arena size. */
    private static long arena(List<long[]> buffers, int steps) {
        TreeMap<Long, Long> free = new TreeMap<>(); // offset -> size
        List<long[]> live = new ArrayList<>(); // {offset, size, end}
        long top = 0;
        List<long[]> order = new ArrayList<>(buffers);
        order.sort((a, b) -> Long.compare(a[1], b[1]));
        for (long[] buf : order) {
            long start = buf[1];
            // release buffers whose last read is before this step
            for (var it = live.iterator(); it.hasNext(); ) {
                long[] l = it.next();
                if (l[2] < start) {
                    release(free, l[0], l[1]);
                    it.remove();
                }
            }
            long size = align(buf[0]);
            Long best = null;
            for (var e : free.entrySet()) {
                if (e.getValue() >= size && (best == null || e.getValue() < free.get(best))) {
                    best = e.getKey();
                }
            }
            long offset;
            if (best != null) {
                long blk = free.remove(best);
                offset = best;
                if (blk > size) {
                    free.put(best + size, blk - size);
                }
            } else {
                var lastFree = free.lastEntry();
                if (lastFree != null && lastFree.getKey() + lastFree.getValue() == top) {
                    offset = lastFree.getKey();
                    free.remove(offset);
                } else {
                    offset = top;
                }
                top = offset + size;
            }
            live.add(new long[] {offset, size, buf[2]});
        }
        return top;
    }

    private static void release(TreeMap<Long, Long> free, long offset, long size) {
        var before = free.floorEntry(offset);
        if (before != null && before.getKey() + before.getValue() == offset) {
            offset = before.getKey();
            size += before.getValue();
            free.remove(before.getKey());
        }
        Long after = free.get(offset + size);
        if (after != null) {
            free.remove(offset + size);
            size += after;
        }
        free.put(offset, size);
    }

    private static long peakLive(List<long[]> buffers, int steps) {
        long[] delta = new long[steps + 2];
        for (long[] b : buffers) {
            delta[(int) b[1]] += align(b[0]);
            delta[(int) b[2] + 1] -= align(b[0]);
        }
        long cur = 0, peak = 0;
        for (long d : delta) {
            cur += d;
            peak = Math.max(peak, cur);
        }
        return peak;
    }

    private static long align(long bytes) {
        return (bytes + 63) & ~63L;
    }
}

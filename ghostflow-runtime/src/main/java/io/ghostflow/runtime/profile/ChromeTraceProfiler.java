package io.ghostflow.runtime.profile;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.exec.NodeListener;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Collects one complete event ({@code "ph": "X"}) per executed node and writes them as a
 * Chrome trace: a JSON array that chrome://tracing and Perfetto open. Times are microseconds
 * since the profiler was created; args carry the op type and the input and output shapes.
 */
public final class ChromeTraceProfiler implements NodeListener {
    private record Event(String name, String opType, double ts, double dur, long tid, String inputs, String outputs) {
    }

    private final long origin = System.nanoTime();
    private final long pid = ProcessHandle.current().pid();
    private final List<Event> events = new ArrayList<>();

    @Override
    public void onNode(Node node, long startNanos, long durationNanos, Value[] inputs, Value[] outputs) {
        String name = node.name().isEmpty() ? node.output(0) : node.name();
        Event e = new Event(name, node.opType(), (startNanos - origin) / 1e3, durationNanos / 1e3, Thread.currentThread().threadId(),
                shapes(inputs), shapes(outputs));
        synchronized (events) {
            events.add(e);
        }
    }

    public int eventCount() {
        synchronized (events) {
            return events.size();
        }
    }

    private static String shapes(Value[] values) {
        StringBuilder sb = new StringBuilder("[");
        if (values != null) {
            for (int i = 0; i < values.length; i++) {
                if (i > 0) {
                    sb.append(',');
                }
                sb.append(values[i] instanceof Tensor t ? Arrays.toString(t.shape()).replace(" ", "") : "null");
            }
        }
        return sb.append(']').toString();
    }

    public String toJson() {
        List<Event> copy;
        synchronized (events) {
            copy = new ArrayList<>(events);
        }
        StringBuilder sb = new StringBuilder("[\n");
        for (int i = 0; i < copy.size(); i++) {
            Event e = copy.get(i);
            sb.append(String.format(java.util.Locale.ROOT,
                    "{\"name\":%s,\"cat\":\"node\",\"ph\":\"X\",\"ts\":%.3f,\"dur\":%.3f,\"pid\":%d,\"tid\":%d,"
                            + "\"args\":{\"op_type\":%s,\"input_shapes\":%s,\"output_shapes\":%s}}",
                    quote(e.name()), e.ts(), e.dur(), pid, e.tid(), quote(e.opType()), e.inputs(), e.outputs()));
            sb.append(i + 1 < copy.size() ? ",\n" : "\n");
        }
        return sb.append("]\n").toString();
    }

    public void write(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, toJson());
        } catch (IOException e) {
            throw new GhostFlowException(ErrorCode.IO_ERROR, "cannot write profile " + file + ": " + e.getMessage(), e);
        }
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}

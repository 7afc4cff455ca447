package io.ghostflow.runtime.cache;

import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A bounded least-recently-used map from a SHA-256 of the inputs (names, types, shapes and
 * bytes, plus the requested outputs) to the outputs of a run. Off by default: it helps only
 * when identical requests repeat, and costs a hash of every input on every run.
 */
public final class ResultCache {
    private final int capacity;
    private final LinkedHashMap<String, Map<String, Value>> entries;
    private long hits;
    private long misses;

    public ResultCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1");
        }
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Map<String, Value>> eldest) {
                return size() > ResultCache.this.capacity;
            }
        };
    }

    /** The key of a request, or null when an input cannot be hashed (not a tensor). */
    public static String key(Map<String, ? extends Value> feeds, Collection<String> outputs) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (var e : new TreeMap<>(feeds).entrySet()) {
                if (!(e.getValue() instanceof Tensor t)) {
                    return null;
                }
                md.update(e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                md.update((byte) 0);
                md.update((t.dtype() + java.util.Arrays.toString(t.shape())).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                if (t.segment() != null) {
                    md.update(t.segment().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
                } else {
                    for (String s : t.strings()) {
                        md.update(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                        md.update((byte) 0);
                    }
                }
            }
            md.update(String.valueOf(outputs).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public synchronized Map<String, Value> get(String key) {
        Map<String, Value> v = entries.get(key);
        if (v == null) {
            misses++;
        } else {
            hits++;
        }
        return v;
    }

    public synchronized void put(String key, Map<String, Value> outputs) {
        entries.put(key, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(outputs)));
    }

    public synchronized int size() {
        return entries.size();
    }

    public synchronized long hits() {
        return hits;
    }

    public synchronized long misses() {
        return misses;
    }
}

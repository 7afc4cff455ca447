package io.ghostflow.runtime.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The checked-in list of conformance tests that must pass. One test per line as
 * {@code suite/test_name}, optionally followed by {@code rtol=..} / {@code atol=..} overrides,
 * and a {@code # reason} that is mandatory for overrides. The list only grows.
 */
record AllowList(Map<String, Entry> entries) {
    record Entry(String id, Double rtol, Double atol, String reason) {
    }

    static AllowList read(Path file) throws IOException {
        Map<String, Entry> out = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return new AllowList(out);
        }
        for (String raw : Files.readAllLines(file)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String reason = null;
            int hash = line.indexOf('#');
            if (hash >= 0) {
                reason = line.substring(hash + 1).strip();
                line = line.substring(0, hash).strip();
            }
            String[] parts = line.split("\\s+");
            Double rtol = null;
            Double atol = null;
            for (int i = 1; i < parts.length; i++) {
                if (parts[i].startsWith("rtol=")) {
                    rtol = Double.parseDouble(parts[i].substring(5));
                } else if (parts[i].startsWith("atol=")) {
                    atol = Double.parseDouble(parts[i].substring(5));
                } else {
                    throw new IllegalArgumentException("allow-list: bad token '" + parts[i] + "' in line: " + raw);
                }
            }
            if ((rtol != null || atol != null) && (reason == null || reason.isEmpty())) {
                throw new IllegalArgumentException("allow-list: a tolerance override needs a '# reason': " + raw);
            }
            out.put(parts[0], new Entry(parts[0], rtol, atol, reason));
        }
        return new AllowList(out);
    }

    /**
     * Adds newly passing tests. The leading comment block stays on top; entry lines (with their
     * overrides and reasons) are kept verbatim and sorted by test id.
     */
    static void append(Path file, List<String> newIds) throws IOException {
        List<String> header = new ArrayList<>();
        Map<String, String> lines = new java.util.TreeMap<>();
        boolean inHeader = true;
        for (String raw : Files.exists(file) ? Files.readAllLines(file) : List.<String>of()) {
            String t = raw.strip();
            if (inHeader && (t.isEmpty() || t.startsWith("#"))) {
                header.add(raw);
                continue;
            }
            inHeader = false;
            if (!t.isEmpty() && !t.startsWith("#")) {
                lines.put(t.split("\\s+")[0], raw);
            }
        }
        for (String id : new TreeSet<>(newIds)) {
            lines.putIfAbsent(id, id);
        }
        List<String> out = new ArrayList<>(header);
        out.addAll(lines.values());
        Files.write(file, out);
    }
}

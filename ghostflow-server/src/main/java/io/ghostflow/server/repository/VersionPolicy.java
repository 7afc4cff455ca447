package io.ghostflow.server.repository;

import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;

/** Which of a model's version directories are served: the latest N, all, or specific ones. */
public record VersionPolicy(Kind kind, int latest, List<Long> specific) {
    public enum Kind { LATEST, ALL, SPECIFIC }

    public static VersionPolicy latest(int n) {
        return new VersionPolicy(Kind.LATEST, n, List.of());
    }

    public static VersionPolicy all() {
        return new VersionPolicy(Kind.ALL, 0, List.of());
    }

    public static VersionPolicy specific(List<Long> versions) {
        return new VersionPolicy(Kind.SPECIFIC, 0, List.copyOf(versions));
    }

    /** The versions to serve out of those available. */
    public NavigableSet<Long> select(NavigableSet<Long> available) {
        return switch (kind) {
            case ALL -> new TreeSet<>(available);
            case SPECIFIC -> {
                TreeSet<Long> s = new TreeSet<>(specific);
                s.retainAll(available);
                yield s;
            }
            case LATEST -> {
                TreeSet<Long> s = new TreeSet<>();
                for (Long v : available.descendingSet()) {
                    if (s.size() >= latest) {
                        break;
                    }
                    s.add(v);
                }
                yield s;
            }
        };
    }
}

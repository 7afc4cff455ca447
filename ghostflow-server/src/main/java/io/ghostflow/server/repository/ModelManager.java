package io.ghostflow.server.repository;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.InferenceSession;
import io.ghostflow.runtime.SessionOptions;
import io.ghostflow.runtime.graph.Dim;
import io.ghostflow.runtime.graph.ValueInfo;
import io.ghostflow.server.stats.ModelStats;
import io.ghostflow.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The served models. Models come from a repository directory laid out as
 * {@code ROOT/<model>/<version>/model.onnx} (+ optional {@code ROOT/<model>/config.json|yaml}),
 * or are registered in memory. Loading a model again swaps versions with no dropped request:
 * the new versions are built and warmed up first, the map switches to them atomically, then the
 * versions no longer served drain and close.
 */
public final class ModelManager implements AutoCloseable {
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\-]{0,127}");

    /** A model's served versions (newest last) and its config. Immutable. */
    public record Served(ModelConfig config, NavigableMap<Long, ModelVersion> versions) {
    }

    /** One row of the repository index. */
    public record IndexEntry(String name, String version, String state, String reason) {
    }

    private final Path root;
    private final Path realRoot;
    private final SessionOptions sessionOptions;
    private final Duration drainTimeout;
    private final Map<String, Served> models = new ConcurrentHashMap<>();
    private final Map<String, String> unavailable = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final Map<String, InMemory> inMemory = new ConcurrentHashMap<>();

    private record InMemory(ModelConfig config, Map<Long, LongFunction<InferenceSession>> versions) {
    }

    /** {@code root} may be null: only in-memory models then. */
    public ModelManager(Path root, SessionOptions sessionOptions, Duration drainTimeout) {
        this.root = root == null ? null : root.toAbsolutePath().normalize();
        try {
            this.realRoot = root == null ? null : this.root.toRealPath();
        } catch (IOException e) {
            throw new GhostFlowException(ErrorCode.IO_ERROR, "model repository " + root + " is not readable: " + e.getMessage());
        }
        if (realRoot != null && !Files.isDirectory(realRoot)) {
            throw new GhostFlowException(ErrorCode.IO_ERROR, "model repository " + root + " is not a directory");
        }
        this.sessionOptions = sessionOptions;
        this.drainTimeout = drainTimeout;
    }

    public Path root() {
        return root;
    }

    /** Model directory names in the repository (valid names only), sorted. */
    public List<String> repositoryModels() {
        if (realRoot == null) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(realRoot)) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).filter(n -> SAFE_NAME.matcher(n).matches())
                    .sorted().toList();
        } catch (IOException e) {
            throw new GhostFlowException(ErrorCode.IO_ERROR, "cannot list model repository: " + e.getMessage());
        }
    }

    /** Loads every model of the repository; a model that fails is reported and left unavailable. */
    public Map<String, String> loadAll() {
        Map<String, String> failures = new LinkedHashMap<>();
        for (String m : repositoryModels()) {
            try {
                load(m);
            } catch (GhostFlowException e) {
                failures.put(m, e.getMessage());
            }
        }
        for (String m : inMemory.keySet()) {
            if (!models.containsKey(m)) {
                load(m);
            }
        }
        return failures;
    }

    /** Registers a model built in code; {@code versions} builds the session of each version. Not loaded until {@link #load}. */
    public void register(ModelConfig config, Map<Long, LongFunction<InferenceSession>> versions) {
        inMemory.put(config.name(), new InMemory(config, Map.copyOf(versions)));
    }

    /** (Re)loads {@code name}: new versions become ready before traffic switches; dropped versions drain, then close. */
    public void load(String name) {
        synchronized (locks.computeIfAbsent(name, k -> new Object())) {
            ModelConfig config;
            Map<Long, LongFunction<InferenceSession>> builders = new TreeMap<>();
            InMemory mem = inMemory.get(name);
            if (mem != null) {
                config = mem.config;
                NavigableSet<Long> chosen = config.versionPolicy().select(new TreeSet<>(mem.versions.keySet()));
                chosen.forEach(v -> builders.put(v, mem.versions.get(v)));
            } else {
                Path dir = modelDir(name);
                config = ModelConfigReader.read(dir, name).withName(name);
                NavigableSet<Long> available = versionsOnDisk(dir);
                NavigableSet<Long> chosen = config.versionPolicy().select(available);
                if (chosen.isEmpty()) {
                    unavailable.put(name, "no version directory with a model.onnx matches the version policy");
                    throw new GhostFlowException(ErrorCode.NOT_FOUND, "model '" + name + "': no version directory <n>/model.onnx matches the version policy");
                }
                for (long v : chosen) {
                    Path file = inside(dir.resolve(Long.toString(v)).resolve("model.onnx"), name);
                    builders.put(v, ver -> InferenceSession.load(file, sessionOptions));
                }
            }
            Served old = models.get(name);
            NavigableMap<Long, ModelVersion> next = new TreeMap<>();
            List<ModelVersion> built = new ArrayList<>();
            try {
                for (var e : builders.entrySet()) {
                    ModelVersion mv = new ModelVersion(name, e.getKey(), config, e.getValue().apply(e.getKey()), new ModelStats());
                    built.add(mv);
                    warmup(mv);
                    next.put(e.getKey(), mv);
                }
            } catch (RuntimeException e) {
                built.forEach(mv -> mv.retire(Duration.ZERO));
                if (old == null) {
                    unavailable.put(name, e.getMessage());
                }
                throw e instanceof GhostFlowException g ? g
                        : new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "model '" + name + "' failed to load: " + e.getMessage(), e);
            }
            models.put(name, new Served(config, Collections.unmodifiableNavigableMap(next)));
            unavailable.remove(name);
            if (old != null) {
                old.versions().values().forEach(mv -> mv.retire(drainTimeout));
            }
        }
    }

    /** Stops serving {@code name}: requests already holding it finish (bounded), then it closes. */
    public void unload(String name) {
        synchronized (locks.computeIfAbsent(name, k -> new Object())) {
            Served old = models.remove(name);
            if (old == null) {
                if (inMemory.containsKey(name) || repositoryModels().contains(name)) {
                    return; // already unloaded
                }
                throw new GhostFlowException(ErrorCode.NOT_FOUND, "unknown model '" + name + "'");
            }
            unavailable.put(name, "unloaded");
            old.versions().values().forEach(mv -> mv.retire(drainTimeout));
        }
    }

    /** The served model {@code name} or NOT_FOUND. */
    public Served served(String name) {
        Served s = models.get(name);
        if (s == null) {
            throw new GhostFlowException(ErrorCode.NOT_FOUND, "unknown model '" + name + "'"
                    + (unavailable.containsKey(name) ? " (not loaded: " + unavailable.get(name) + ")" : ""));
        }
        return s;
    }

    /**
     * Finds and holds a version ({@code version} null or empty: the newest); the caller must
     * {@link ModelVersion#release()} it. NOT_FOUND for an unknown model or version.
     */
    public ModelVersion acquire(String name, String version) {
        for (int attempt = 0; attempt < 1000; attempt++) {
            ModelVersion mv = peek(name, version);
            if (mv.acquire()) {
                return mv;
            }
            Thread.onSpinWait(); // it is being replaced: the map already holds (or will soon hold) the successor
        }
        throw new GhostFlowException(ErrorCode.UNAVAILABLE, "model '" + name + "' is being reloaded; retry");
    }

    /** The version without holding it (metadata, readiness). */
    public ModelVersion peek(String name, String version) {
        Served s = served(name);
        if (version == null || version.isEmpty()) {
            return s.versions().lastEntry().getValue();
        }
        ModelVersion mv = null;
        try {
            mv = s.versions().get(Long.parseLong(version));
        } catch (NumberFormatException e) {
            // not a number: unknown
        }
        if (mv == null) {
            throw new GhostFlowException(ErrorCode.NOT_FOUND, "model '" + name + "' has no version '" + version + "'; served versions are "
                    + s.versions().keySet());
        }
        return mv;
    }

    public Map<String, Served> models() {
        return Map.copyOf(models);
    }

    /** Every served model and repository model, with its state. */
    public List<IndexEntry> index() {
        Map<String, IndexEntry> rows = new TreeMap<>();
        for (String m : repositoryModels()) {
            rows.put(m, new IndexEntry(m, null, "UNAVAILABLE", unavailable.getOrDefault(m, "unloaded")));
        }
        inMemory.keySet().forEach(m -> rows.put(m, new IndexEntry(m, null, "UNAVAILABLE", unavailable.getOrDefault(m, "unloaded"))));
        List<IndexEntry> out = new ArrayList<>();
        for (var e : rows.entrySet()) {
            Served s = models.get(e.getKey());
            if (s == null) {
                out.add(e.getValue());
            } else {
                s.versions().forEach((v, mv) -> out.add(new IndexEntry(e.getKey(), Long.toString(v), "READY", "")));
            }
        }
        return out;
    }

    /** True when every model that was asked to load is serving. */
    public boolean ready() {
        return unavailable.entrySet().stream().allMatch(e -> e.getValue().equals("unloaded"));
    }

    /** Unloads everything, draining each version for at most the drain timeout. */
    @Override
    public void close() {
        for (String m : new ArrayList<>(models.keySet())) {
            Served s = models.remove(m);
            if (s != null) {
                s.versions().values().forEach(mv -> mv.retire(drainTimeout));
            }
        }
    }

    // ------------------------------------------------------------------ repository access, confined to the root

    private Path modelDir(String name) {
        if (realRoot == null) {
            throw new GhostFlowException(ErrorCode.NOT_FOUND, "unknown model '" + name + "' (the server has no model repository)");
        }
        if (!SAFE_NAME.matcher(name).matches() || name.contains("..")) {
            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "invalid model name '" + name + "'");
        }
        Path dir = realRoot.resolve(name);
        if (!Files.isDirectory(dir)) {
            throw new GhostFlowException(ErrorCode.NOT_FOUND, "unknown model '" + name + "': no directory " + name + " in the model repository");
        }
        return inside(dir, name);
    }

    /** {@code p} resolved through symlinks, which must stay under the repository root. */
    private Path inside(Path p, String name) {
        try {
            Path real = p.toRealPath();
            if (!real.startsWith(realRoot)) {
                throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "model '" + name + "' points outside the model repository");
            }
            return real;
        } catch (IOException e) {
            throw new GhostFlowException(ErrorCode.NOT_FOUND, "model '" + name + "': " + root.relativize(p.toAbsolutePath()) + " not found");
        }
    }

    private static NavigableSet<Long> versionsOnDisk(Path dir) {
        NavigableSet<Long> out = new TreeSet<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(p -> {
                String n = p.getFileName().toString();
                if (n.matches("[0-9]{1,18}") && Files.isRegularFile(p.resolve("model.onnx"))) {
                    out.add(Long.parseLong(n));
                }
            });
        } catch (IOException e) {
            throw new GhostFlowException(ErrorCode.IO_ERROR, "cannot list " + dir + ": " + e.getMessage());
        }
        return out;
    }

    /** Runs zero-filled inputs (symbolic dimensions as 1) through the batcher, so the first real request is not the slow one. */
    private static void warmup(ModelVersion mv) {
        for (int i = 0; i < mv.config().warmupRuns(); i++) {
            Map<String, Tensor> feeds = new HashMap<>();
            for (ValueInfo in : mv.session().inputs()) {
                List<Dim> dims = in.type().shape() == null ? List.of() : in.type().shape();
                int[] shape = dims.stream().mapToInt(d -> d.isFixed() ? (int) d.value() : 1).toArray();
                feeds.put(in.name(), Tensor.zeros(in.type().elementType(), shape));
            }
            mv.batcher().infer(feeds, null);
        }
    }
}

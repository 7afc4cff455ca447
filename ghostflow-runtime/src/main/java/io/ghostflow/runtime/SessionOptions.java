package io.ghostflow.runtime;

import java.nio.file.Path;
import java.util.Map;

/**
 * How a session is built and run. Immutable; derive variants with the {@code with*} methods.
 *
 * @param optimizationLevel      graph rewrites applied at load (NONE keeps the graph as written)
 * @param intraOpThreads         threads a single kernel may use
 * @param interOpParallel        run independent branches concurrently
 * @param freeDimensions         fixes symbolic dimensions (e.g. "batch" -> 1) for shape-based optimizations
 * @param profileFile            when set, per-node timings are written there as a Chrome trace
 * @param optimizedModelPath     when set, the optimized graph is saved there as ONNX
 * @param memoryArena            reuse activation buffers across runs
 * @param resultCacheEntries     bound of the optional result cache (0 = off)
 */
public record SessionOptions(OptimizationLevel optimizationLevel, int intraOpThreads, boolean interOpParallel,
                             Map<String, Integer> freeDimensions, Path profileFile, Path optimizedModelPath,
                             boolean memoryArena, int resultCacheEntries) {

    public enum OptimizationLevel { NONE, BASIC, EXTENDED, ALL }

    public SessionOptions {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intraOpThreads must be >= 1, was " + intraOpThreads);
        }
        freeDimensions = Map.copyOf(freeDimensions);
    }

    public static SessionOptions defaults() {
        return new SessionOptions(OptimizationLevel.ALL, Math.max(1, Runtime.getRuntime().availableProcessors()), false,
                Map.of(), null, null, true, 0);
    }

    public SessionOptions withOptimizationLevel(OptimizationLevel level) {
        return new SessionOptions(level, intraOpThreads, interOpParallel, freeDimensions, profileFile, optimizedModelPath, memoryArena, resultCacheEntries);
    }

    public SessionOptions withIntraOpThreads(int threads) {
        return new SessionOptions(optimizationLevel, threads, interOpParallel, freeDimensions, profileFile, optimizedModelPath, memoryArena, resultCacheEntries);
    }

    public SessionOptions withInterOpParallel(boolean on) {
        return new SessionOptions(optimizationLevel, intraOpThreads, on, freeDimensions, profileFile, optimizedModelPath, memoryArena, resultCacheEntries);
    }

    public SessionOptions withFreeDimensions(Map<String, Integer> dims) {
        return new SessionOptions(optimizationLevel, intraOpThreads, interOpParallel, dims, profileFile, optimizedModelPath, memoryArena, resultCacheEntries);
    }

    public SessionOptions withProfileFile(Path file) {
        return new SessionOptions(optimizationLevel, intraOpThreads, interOpParallel, freeDimensions, file, optimizedModelPath, memoryArena, resultCacheEntries);
    }

    public SessionOptions withOptimizedModelPath(Path file) {
        return new SessionOptions(optimizationLevel, intraOpThreads, interOpParallel, freeDimensions, profileFile, file, memoryArena, resultCacheEntries);
    }

    public SessionOptions withMemoryArena(boolean on) {
        return new SessionOptions(optimizationLevel, intraOpThreads, interOpParallel, freeDimensions, profileFile, optimizedModelPath, on, resultCacheEntries);
    }

    public SessionOptions withResultCache(int entries) {
        return new SessionOptions(optimizationLevel, intraOpThreads, interOpParallel, freeDimensions, profileFile, optimizedModelPath, memoryArena, entries);
    }
}

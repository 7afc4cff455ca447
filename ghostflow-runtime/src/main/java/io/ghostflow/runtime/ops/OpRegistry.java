package io.ghostflow.runtime.ops;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.graph.Node;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Operators keyed by (domain, op_type, since_version). A node binds to the registration with
 * the highest since_version not above the opset its model imports for that domain, as the
 * ONNX versioning rules say.
 */
public final class OpRegistry {
    /** A matched registration. */
    public record Match(String domain, String opType, int sinceVersion, OpFactory factory) {
    }

    private final Map<String, TreeMap<Integer, OpFactory>> ops = new HashMap<>();

    private static String key(String domain, String opType) {
        return Node.normalizeDomain(domain) + "::" + opType;
    }

    /** Registers {@code factory} for versions from {@code sinceVersion} up to the next registration. */
    public OpRegistry register(String domain, String opType, int sinceVersion, OpFactory factory) {
        ops.computeIfAbsent(key(domain, opType), k -> new TreeMap<>()).put(sinceVersion, factory);
        return this;
    }

    /** Default-domain shorthand. */
    public OpRegistry register(String opType, int sinceVersion, OpFactory factory) {
        return register("", opType, sinceVersion, factory);
    }

    /** Registers one factory for several since_versions (behaviour handled inside via {@link OpConfig#sinceVersion()}). */
    public OpRegistry register(String opType, int[] sinceVersions, OpFactory factory) {
        for (int v : sinceVersions) {
            register("", opType, v, factory);
        }
        return this;
    }

    public boolean supports(String domain, String opType) {
        return ops.containsKey(key(domain, opType));
    }

    /** Finds the kernel factory for a node, or fails with NOT_IMPLEMENTED naming op, domain and opset. */
    public Match lookup(String domain, String opType, int opset) {
        String d = Node.normalizeDomain(domain);
        TreeMap<Integer, OpFactory> versions = ops.get(key(d, opType));
        String where = "operator " + opType + " (domain '" + (d.isEmpty() ? "ai.onnx" : d) + "', opset " + opset + ")";
        if (versions == null) {
            throw new GhostFlowException(ErrorCode.NOT_IMPLEMENTED, where + " is not implemented");
        }
        var e = versions.floorEntry(opset);
        if (e == null) {
            throw new GhostFlowException(ErrorCode.NOT_IMPLEMENTED,
                    where + " is not implemented for this opset; first supported version is " + versions.firstKey());
        }
        return new Match(d, opType, e.getKey(), e.getValue());
    }

    /** All registered "domain::op" keys, sorted. */
    public Set<String> keys() {
        return new TreeSet<>(ops.keySet());
    }

    private static volatile OpRegistry defaults;

    /** The registry of every built-in operator, built once. */
    public static OpRegistry defaults() {
        OpRegistry r = defaults;
        if (r == null) {
            synchronized (OpRegistry.class) {
                if (defaults == null) {
                    OpRegistry fresh = new OpRegistry();
                    StandardOps.registerAll(fresh);
                    defaults = fresh;
                }
                r = defaults;
            }
        }
        return r;
    }
}

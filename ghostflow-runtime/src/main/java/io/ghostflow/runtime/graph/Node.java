package io.ghostflow.runtime.graph;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One operator application. Inputs and outputs are value names; an empty name marks an
 * omitted optional input or output. Mutable so that optimizer passes can rewrite in place.
 */
public final class Node {
    private String name;
    private String opType;
    private String domain;
    private final List<String> inputs;
    private final List<String> outputs;
    private final Map<String, Attribute> attributes;

    public Node(String name, String opType, String domain, List<String> inputs, List<String> outputs, Map<String, Attribute> attributes) {
        this.name = name == null ? "" : name;
        this.opType = opType;
        this.domain = normalizeDomain(domain);
        this.inputs = new ArrayList<>(inputs);
        this.outputs = new ArrayList<>(outputs);
        this.attributes = new LinkedHashMap<>(attributes);
    }

    public Node(String name, String opType, List<String> inputs, List<String> outputs) {
        this(name, opType, "", inputs, outputs, Map.of());
    }

    /** "" and "ai.onnx" are the same default domain. */
    public static String normalizeDomain(String domain) {
        return domain == null || domain.equals("ai.onnx") ? "" : domain;
    }

    public String name() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String opType() {
        return opType;
    }

    public void setOpType(String opType) {
        this.opType = opType;
    }

    public String domain() {
        return domain;
    }

    public void setDomain(String domain) {
        this.domain = normalizeDomain(domain);
    }

    /** Mutable list of input names ("" = omitted). */
    public List<String> inputs() {
        return inputs;
    }

    /** Mutable list of output names ("" = omitted). */
    public List<String> outputs() {
        return outputs;
    }

    public Map<String, Attribute> attributes() {
        return attributes;
    }

    /** Input {@code i}'s name, or "" when absent. */
    public String input(int i) {
        return i < inputs.size() ? inputs.get(i) : "";
    }

    public String output(int i) {
        return i < outputs.size() ? outputs.get(i) : "";
    }

    public boolean hasInput(int i) {
        return !input(i).isEmpty();
    }

    /** A readable label for error messages: {@code node 'conv1' (Conv)}. */
    public String label() {
        return "node '" + (name.isEmpty() ? (outputs.isEmpty() ? "?" : output(0)) : name) + "' (" + (domain.isEmpty() ? "" : domain + ".") + opType + ")";
    }

    // ---------------------------------------------------------------- attribute access

    public boolean has(String attr) {
        return attributes.containsKey(attr);
    }

    public Attribute attribute(String attr) {
        return attributes.get(attr);
    }

    public long getInt(String attr, long dflt) {
        Attribute a = attributes.get(attr);
        return a == null ? dflt : ((Number) expect(a, Attribute.Type.INT).value()).longValue();
    }

    public float getFloat(String attr, float dflt) {
        Attribute a = attributes.get(attr);
        if (a == null) {
            return dflt;
        }
        if (a.type() == Attribute.Type.INT) {
            return ((Number) a.value()).floatValue();
        }
        return ((Number) expect(a, Attribute.Type.FLOAT).value()).floatValue();
    }

    public String getString(String attr, String dflt) {
        Attribute a = attributes.get(attr);
        return a == null ? dflt : (String) expect(a, Attribute.Type.STRING).value();
    }

    /** INTS attribute, or {@code dflt} (may be null) when absent. */
    public long[] getInts(String attr, long[] dflt) {
        Attribute a = attributes.get(attr);
        return a == null ? dflt : ((long[]) expect(a, Attribute.Type.INTS).value()).clone();
    }

    public float[] getFloats(String attr, float[] dflt) {
        Attribute a = attributes.get(attr);
        return a == null ? dflt : ((float[]) expect(a, Attribute.Type.FLOATS).value()).clone();
    }

    @SuppressWarnings("unchecked")
    public List<String> getStrings(String attr, List<String> dflt) {
        Attribute a = attributes.get(attr);
        return a == null ? dflt : (List<String>) expect(a, Attribute.Type.STRINGS).value();
    }

    public Tensor getTensor(String attr) {
        Attribute a = attributes.get(attr);
        return a == null ? null : (Tensor) expect(a, Attribute.Type.TENSOR).value();
    }

    public Graph getGraph(String attr) {
        Attribute a = attributes.get(attr);
        return a == null ? null : (Graph) expect(a, Attribute.Type.GRAPH).value();
    }

    /** INT attribute that must be present. */
    public long requireInt(String attr) {
        if (!has(attr)) {
            throw new GhostFlowException(ErrorCode.INVALID_GRAPH, label() + ": missing required attribute '" + attr + "'");
        }
        return getInt(attr, 0);
    }

    private Attribute expect(Attribute a, Attribute.Type type) {
        if (a.type() != type) {
            throw new GhostFlowException(ErrorCode.INVALID_GRAPH,
                    label() + ": attribute '" + a.name() + "' should be " + type + ", is " + a.type());
        }
        return a;
    }

    /** All subgraphs held in attributes (If branches, Loop/Scan bodies). */
    @SuppressWarnings("unchecked")
    public List<Graph> subgraphs() {
        List<Graph> out = new ArrayList<>();
        for (Attribute a : attributes.values()) {
            if (a.type() == Attribute.Type.GRAPH) {
                out.add((Graph) a.value());
            } else if (a.type() == Attribute.Type.GRAPHS) {
                out.addAll((List<Graph>) a.value());
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return label() + " " + inputs + " -> " + outputs + (attributes.isEmpty() ? "" : " " + attributes.values());
    }
}

package io.ghostflow.runtime.ops;

import io.ghostflow.tensor.Value;

/**
 * A prepared operator instance for one node: attributes parsed, constant weights pre-packed.
 * Called once per run with the node's input values (null for an omitted optional input);
 * returns one value per node output (trailing optional outputs may be left out or null).
 */
@FunctionalInterface
public interface OpKernel {
    Value[] run(ExecContext ctx, Value[] inputs);
}

package io.ghostflow.runtime.ops;

import io.ghostflow.tensor.Value;

/** A compiled nested graph. Inputs are given in the order of the body's declared inputs. */
public interface SubgraphRunner {
    /** Runs the body; outer-scope names resolve through {@code ctx}. Returns outputs in declared order. */
    Value[] run(ExecContext ctx, Value[] inputs);

    int inputCount();

    int outputCount();
}

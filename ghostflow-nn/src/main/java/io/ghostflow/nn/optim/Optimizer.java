package io.ghostflow.nn.optim;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.nn.Module;
import io.ghostflow.nn.autograd.Var;
import java.util.List;

/** Updates a module's parameters in place from their accumulated gradients. */
public abstract class Optimizer {
    protected final Module module;
    protected final List<Var> params;

    protected Optimizer(Module module) {
        this.module = module;
        this.params = module.parameters();
    }

    /** Applies one update. Refuses a module in eval mode: its BatchNorm/Dropout would not be training. */
    public final void step() {
        if (!module.isTraining()) {
            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT,
                    module.label() + " is in eval mode: call train() before optimizing it");
        }
        for (int i = 0; i < params.size(); i++) {
            Var p = params.get(i);
            if (p.grad() != null) {
                update(i, p.data(), p.grad());
            }
        }
    }

    /** Updates parameter {@code index} (values {@code w}) given gradient {@code g}. */
    protected abstract void update(int index, float[] w, float[] g);

    public final void zeroGrad() {
        module.zeroGrad();
    }
}

package io.ghostflow.nn.optim;

import io.ghostflow.nn.Module;

/** Stochastic gradient descent with (heavy-ball) momentum and L2 weight decay, as PyTorch's SGD. */
public final class Sgd extends Optimizer {
    private final float lr;
    private final float momentum;
    private final float weightDecay;
    private final float[][] velocity;

    public Sgd(Module module, float lr) {
        this(module, lr, 0f, 0f);
    }

    public Sgd(Module module, float lr, float momentum, float weightDecay) {
        super(module);
        this.lr = lr;
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        this.velocity = new float[params.size()][];
    }

    @Override
    protected void update(int index, float[] w, float[] g) {
        if (momentum != 0 && velocity[index] == null) {
            velocity[index] = new float[w.length];
        }
        float[] v = velocity[index];
        for (int i = 0; i < w.length; i++) {
            float d = g[i] + weightDecay * w[i];
            if (v != null) {
                v[i] = momentum * v[i] + d;
                d = v[i];
            }
            w[i] -= lr * d;
        }
    }
}

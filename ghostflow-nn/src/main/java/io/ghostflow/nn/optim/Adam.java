package io.ghostflow.nn.optim;

import io.ghostflow.nn.Module;

/** Adam (Kingma and Ba) with bias correction and optional L2 weight decay added to the gradient. */
public final class Adam extends Optimizer {
    private final float lr;
    private final float beta1;
    private final float beta2;
    private final float eps;
    private final float weightDecay;
    private final float[][] m;
    private final float[][] v;
    private final int[] steps;

    public Adam(Module module, float lr) {
        this(module, lr, 0.9f, 0.999f, 1e-8f, 0f);
    }

    public Adam(Module module, float lr, float beta1, float beta2, float eps, float weightDecay) {
        super(module);
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.m = new float[params.size()][];
        this.v = new float[params.size()][];
        this.steps = new int[params.size()];
    }

    @Override
    protected void update(int index, float[] w, float[] g) {
        if (m[index] == null) {
            m[index] = new float[w.length];
            v[index] = new float[w.length];
        }
        float[] mi = m[index];
        float[] vi = v[index];
        int t = ++steps[index];
        double c1 = 1 - Math.pow(beta1, t);
        double c2 = 1 - Math.pow(beta2, t);
        float stepSize = (float) (lr / c1);
        float sqrtC2 = (float) Math.sqrt(c2);
        for (int i = 0; i < w.length; i++) {
            float gi = g[i] + weightDecay * w[i];
            mi[i] = beta1 * mi[i] + (1 - beta1) * gi;
            vi[i] = beta2 * vi[i] + (1 - beta2) * gi * gi;
            w[i] -= stepSize * mi[i] / ((float) Math.sqrt(vi[i]) / sqrtC2 + eps);
        }
    }
}

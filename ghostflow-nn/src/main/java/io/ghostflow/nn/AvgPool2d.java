package io.ghostflow.nn;

import io.ghostflow.nn.autograd.Pooling;
import io.ghostflow.nn.autograd.Var;

/** 2-D average pooling over square windows (padding not counted). Exported as AveragePool. */
public final class AvgPool2d extends Pool2dModule {
    /** Window {@code kernel}, stride equal to the window, no padding. */
    public AvgPool2d(int kernel) {
        this(kernel, kernel, 0);
    }

    public AvgPool2d(int kernel, int stride, int padding) {
        super("AveragePool", kernel, stride, padding);
    }

    @Override
    Var pool(Var x) {
        return Pooling.avgPool(x, kernel, stride, padding);
    }
}

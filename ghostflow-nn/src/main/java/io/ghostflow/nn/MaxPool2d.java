package io.ghostflow.nn;

import io.ghostflow.nn.autograd.Pooling;
import io.ghostflow.nn.autograd.Var;

/** 2-D max pooling over square windows. Exported as MaxPool. */
public final class MaxPool2d extends Pool2dModule {
    /** Window {@code kernel}, stride equal to the window, no padding. */
    public MaxPool2d(int kernel) {
        this(kernel, kernel, 0);
    }

    public MaxPool2d(int kernel, int stride, int padding) {
        super("MaxPool", kernel, stride, padding);
    }

    @Override
    Var pool(Var x) {
        return Pooling.maxPool(x, kernel, stride, padding);
    }
}

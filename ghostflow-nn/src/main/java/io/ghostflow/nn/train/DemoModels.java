package io.ghostflow.nn.train;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.nn.BatchNorm2d;
import io.ghostflow.nn.Conv2d;
import io.ghostflow.nn.Flatten;
import io.ghostflow.nn.Linear;
import io.ghostflow.nn.MaxPool2d;
import io.ghostflow.nn.ReLU;
import io.ghostflow.nn.Sequential;

/** The two digit classifiers of {@code ghostflow train-demo}, for 8x8 images. */
public final class DemoModels {
    private DemoModels() {
    }

    /** 64 -> 128 -> 64 -> 10 with ReLU; input [N, 64]. */
    public static Sequential mlp() {
        return new Sequential(new Linear(64, 128), new ReLU(), new Linear(128, 64), new ReLU(), new Linear(64, 10));
    }

    /** Two Conv-BN-ReLU-MaxPool blocks then a linear classifier; input [N, 1, 8, 8]. */
    public static Sequential cnn() {
        return new Sequential(
                new Conv2d(1, 16, 3, 1, 1), new BatchNorm2d(16), new ReLU(), new MaxPool2d(2),
                new Conv2d(16, 32, 3, 1, 1), new BatchNorm2d(32), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Linear(32 * 2 * 2, 10));
    }

    public static Sequential byName(String name) {
        return switch (name) {
            case "mlp" -> mlp();
            case "cnn" -> cnn();
            default -> throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "unknown model '" + name + "'; choose mlp or cnn");
        };
    }

    /** Per-sample input shape of a demo model. */
    public static int[] sampleShape(String name) {
        return name.equals("cnn") ? new int[] {1, 8, 8} : new int[] {64};
    }
}

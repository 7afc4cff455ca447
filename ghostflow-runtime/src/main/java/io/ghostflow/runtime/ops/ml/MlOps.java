package io.ghostflow.runtime.ops.ml;

import io.ghostflow.runtime.ops.OpRegistry;

/** Operators of the ai.onnx.ml domain (classic machine-learning pipelines). */
public final class MlOps {
    public static final String DOMAIN = "ai.onnx.ml";

    private MlOps() {
    }

    public static void register(OpRegistry r) {
        r.register(DOMAIN, "ArrayFeatureExtractor", 1, SimpleMlOps::arrayFeatureExtractor);
        r.register(DOMAIN, "Binarizer", 1, SimpleMlOps::binarizer);
        r.register(DOMAIN, "LabelEncoder", 1, LabelEncoderOp::create);
        r.register(DOMAIN, "LabelEncoder", 2, LabelEncoderOp::create);
        r.register(DOMAIN, "LabelEncoder", 4, LabelEncoderOp::create);
        r.register(DOMAIN, "TreeEnsemble", 5, TreeEnsembleOp::create);
    }
}

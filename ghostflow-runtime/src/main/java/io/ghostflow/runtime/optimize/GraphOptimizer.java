package io.ghostflow.runtime.optimize;

import io.ghostflow.runtime.SessionOptions;
import io.ghostflow.runtime.SessionOptions.OptimizationLevel;
import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Model;
import io.ghostflow.runtime.ops.OpRegistry;
import io.ghostflow.runtime.optimize.passes.AttentionFusion;
import io.ghostflow.runtime.optimize.passes.AttentionHeadLayout;
import io.ghostflow.runtime.optimize.passes.BiasFolding;
import io.ghostflow.runtime.optimize.passes.CommonSubexpressionElimination;
import io.ghostflow.runtime.optimize.passes.ConstantFolding;
import io.ghostflow.runtime.optimize.passes.ConvActivationFusion;
import io.ghostflow.runtime.optimize.passes.ConvConcatFusion;
import io.ghostflow.runtime.optimize.passes.ConvBatchNormFolding;
import io.ghostflow.runtime.optimize.passes.ConvMaxPoolFusion;
import io.ghostflow.runtime.optimize.passes.ConvResidualFusion;
import io.ghostflow.runtime.optimize.passes.DeadNodeElimination;
import io.ghostflow.runtime.optimize.passes.DepthwisePointwiseFusion;
import io.ghostflow.runtime.optimize.passes.DynamicQuantMatMulEpilogueFusion;
import io.ghostflow.runtime.optimize.passes.ExpandDepthwisePointwiseFusion;
import io.ghostflow.runtime.optimize.passes.DynamicQuantMatMulFusion;
import io.ghostflow.runtime.optimize.passes.EliminateNoOps;
import io.ghostflow.runtime.optimize.passes.GeluFusion;
import io.ghostflow.runtime.optimize.passes.GemmActivationFusion;
import io.ghostflow.runtime.optimize.passes.LayerNormFusion;
import io.ghostflow.runtime.optimize.passes.MatMulAddFusion;
import io.ghostflow.runtime.optimize.passes.MatMulResidualFusion;
import io.ghostflow.runtime.optimize.passes.TransposeIntoGemm;
import io.ghostflow.runtime.shape.ShapeAnalysis;
import io.ghostflow.runtime.shape.ShapeInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Applies the optimization passes that the session's level asks for, in order. The list below
 * is the whole optimizer: clean-up and folding first (BASIC), then fusions (EXTENDED), each
 * fusion written so that the next one sees its output (bias before activation, residual before
 * the Relu that follows it, GELU before the dense layer that absorbs it).
 */
public final class GraphOptimizer {
    private GraphOptimizer() {
    }

    /** The passes in the order they run. */
    public static List<GraphPass> passes() {
        return List.of(
                new EliminateNoOps(),
                new ConstantFolding(),
                new CommonSubexpressionElimination(),
                new ConstantFolding(),
                new DeadNodeElimination(),
                new ConvBatchNormFolding(),
                new EliminateNoOps(),
                new BiasFolding(),
                new DynamicQuantMatMulFusion(),
                new MatMulAddFusion(),
                new TransposeIntoGemm(),
                new LayerNormFusion(),
                new GeluFusion(),
                new AttentionFusion(),
                new AttentionHeadLayout(),
                new ConvResidualFusion(),
                new MatMulResidualFusion(),
                new ConvActivationFusion(),
                new GemmActivationFusion(),
                new DynamicQuantMatMulEpilogueFusion(),
                new RefreshShapes(),
                new ConstantFolding(),
                new EliminateNoOps(),
                new DeadNodeElimination(),
                new ConvConcatFusion(),
                new DepthwisePointwiseFusion(),
                new ExpandDepthwisePointwiseFusion(),
                new ConvMaxPoolFusion());
    }

    public static Model optimize(Model model, SessionOptions options) {
        if (options.optimizationLevel() == OptimizationLevel.NONE) {
            return model;
        }
        return optimizeWithReport(model, options, OpRegistry.defaults()).model();
    }

    /** Optimizes a copy of {@code model}; the original is not changed. */
    public static OptimizationReport optimizeWithReport(Model model, SessionOptions options, OpRegistry registry) {
        return run(model, options, registry, passes());
    }

    /** Runs the given passes (those whose level the options reach) on a copy of {@code model}. */
    public static OptimizationReport run(Model model, SessionOptions options, OpRegistry registry, List<GraphPass> passes) {
        Model copy = GraphCopy.copy(model);
        Graph g = copy.graph();
        int before = g.nodes().size();
        List<PassResult> results = new ArrayList<>();
        if (options.optimizationLevel() != OptimizationLevel.NONE) {
            ShapeInfo shapes = ShapeAnalysis.analyze(g, copy.opsets(), registry, options.freeDimensions());
            PassContext ctx = new PassContext(copy, registry, options, shapes);
            for (GraphPass p : passes) {
                if (p.level().compareTo(options.optimizationLevel()) <= 0) {
                    if (p instanceof RefreshShapes) {
                        ctx = new PassContext(copy, registry, options, ShapeAnalysis.analyze(g, copy.opsets(), registry, options.freeDimensions()));
                        continue;
                    }
                    results.add(new PassResult(p.name(), p.apply(g, ctx)));
                }
            }
            pruneValueInfo(g);
        }
        return new OptimizationReport(copy, results, before, g.nodes().size());
    }

    /** Drops type annotations of values that no longer exist, so a saved model stays valid. */
    private static void pruneValueInfo(Graph g) {
        Set<String> defined = g.definedNames();
        g.valueInfo().keySet().removeIf(k -> !defined.contains(k));
    }
}

/**
 * CPU kernels in pure Java: Vector API implementations that adapt to the machine's vector width
 * through {@code FloatVector.SPECIES_PREFERRED} and {@code loopBound} (tails are masked), each
 * with a plain scalar reference in {@code io.ghostflow.kernels.reference} that tests compare against.
 *
 * <p>Conventions. Tensors are plain {@code float[]} (or {@code byte[]} / {@code int[]}) arrays with
 * an offset; matrices are row-major with a leading dimension (distance between consecutive rows
 * as stored). Kernels never allocate in their inner loops: packing buffers are per-thread
 * scratch, weights are packed once ({@link io.ghostflow.kernels.Gemm#packB},
 * {@link io.ghostflow.kernels.Gemm#packA}, {@link io.ghostflow.kernels.Conv2d#prepare},
 * {@link io.ghostflow.kernels.IntGemm#packB}) into immutable objects that may be shared by
 * threads and sessions. {@code threads} parameters go to {@link io.ghostflow.core.Parallel};
 * 1 runs on the caller.
 *
 * <ul>
 *   <li>{@link io.ghostflow.kernels.Gemm}: fp32 GEMM with alpha/beta, transposes, pre-packed
 *       operands and a fused {@link io.ghostflow.kernels.Epilogue} (bias per row or column,
 *       residual add, {@link io.ghostflow.kernels.Activation}).</li>
 *   <li>{@link io.ghostflow.kernels.Conv2d}: NCHW convolution (pointwise as plain GEMM, im2col
 *       + GEMM, grouped, a dedicated depthwise kernel) with the same epilogue.</li>
 *   <li>{@link io.ghostflow.kernels.IntGemm}: int8/uint8 MatMulInteger with zero points.</li>
 *   <li>{@link io.ghostflow.kernels.VectorMath}: elementwise math (exp, erf, tanh, sigmoid,
 *       GELU, activations), broadcasting binary ops, reductions, softmax and layer norm over
 *       the last axis.</li>
 * </ul>
 */
package io.ghostflow.kernels;

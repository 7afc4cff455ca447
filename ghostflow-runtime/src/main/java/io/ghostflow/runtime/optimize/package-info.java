/**
 * The graph optimizer: a plain ordered list of passes ({@link io.ghostflow.runtime.optimize.GraphOptimizer#passes()}),
 * each a small class in {@code passes/} with its own test. BASIC: Identity/Dropout/no-op Cast/no-op
 * Reshape elimination, constant folding with the real kernels (including Shape arithmetic once
 * {@code SessionOptions.freeDimensions} fix the input shapes), common-subexpression and dead-node
 * elimination, Conv/Gemm + BatchNormalization folding. EXTENDED and ALL: bias folding, MatMul+Add
 * to Gemm or FusedMatMul, transposes into Gemm flags, LayerNorm, GELU and attention fusion,
 * Conv + residual Add, Conv/Gemm/MatMul + activation; then shapes are analysed again and
 * folding runs once more. Fused ops live in domain {@code io.ghostflow} (see
 * {@code io.ghostflow.runtime.ops.fused}). Graph inputs and outputs keep their names.
 *
 * <p>Measured with {@code io.ghostflow.bench.fusion.FusionBench} (2 threads, shared 2-core
 * machine, median of 9 alternating runs; the unfused side uses the standard op kernels of the
 * ops-nn work stream, fused ops run their heavy part on the same kernels):
 * <pre>
 * fusion         shapes                               unfused ms  fused ms  speedup
 * Conv+BN+ReLU   x[1,64,56,56] W[64,64,3,3]               11.70     11.62    1.01x
 * Gemm+ReLU      A[64,512] B[512,512]                      2.39      2.18    1.10x
 * MatMul+Add     x[8,128,768] W[768,768]                  49.58     46.45    1.07x
 * LayerNorm      x[8,128,768] (decomposed form)           45.86      3.46   13.24x
 * GELU           x[8,128,3072] (erf form)                355.27     97.95    3.63x
 * Attention      Q,K,V[8,12,128,64] mask[8,1,1,128]       61.30     46.76    1.31x
 * </pre>
 * Memory planner ({@code ghostflow inspect --batch 8}): resnet18 30.6 MiB planned vs 82.0 MiB
 * without reuse (62.6% less), bert_tiny_hf (seq 128) 3.5 MiB vs 21.8 MiB (83.9% less).
 */
package io.ghostflow.runtime.optimize;

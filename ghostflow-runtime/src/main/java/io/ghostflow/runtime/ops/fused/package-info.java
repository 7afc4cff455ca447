/**
 * Kernels of GhostFlow's fused operators, domain {@code io.ghostflow}, opset version 1. The
 * graph optimizer emits them; models saved after optimization import this domain and load
 * again in GhostFlow (other runtimes do not know it). All are float32.
 *
 * <ul>
 * <li>{@code FusedConv(X, W, B?, Z?)}: ONNX Conv (2-D; attributes auto_pad, dilations, group,
 *     kernel_shape, pads, strides) then {@code + Z} (residual, same shape as the output or
 *     broadcastable to it), then the activation.</li>
 * <li>{@code ConvConcat(X0, W0, B0, X1, W1, B1, ...)}: {@code Concat(axis=1)} of FusedConv branches
 *     (three inputs each, B the empty name when absent; no residual), branch i's FusedConv
 *     attributes stored as {@code b<i>_<name>}; each branch writes its slice of the result.</li>
 * <li>{@code DepthwisePointwiseConv(X, Wd, Bd, Wp, Bp, Z?)}: a depthwise FusedConv (X, Wd, Bd; no
 *     residual) whose output only the pointwise FusedConv (that output, Wp, Bp, Z?) reads; the
 *     depthwise's attributes stored as {@code d_<name>}, the pointwise's as {@code p_<name>}, B the
 *     empty name when absent. The result is the second convolution's, computed in bands of rows.</li>
 * <li>{@code ExpandDepthwisePointwiseConv(X, We, Be, Wd, Bd, Wp, Bp, Z?)}: a FusedConv (X, We, Be;
 *     no residual; a pointwise expansion or a strided stem) whose output only a DepthwisePointwiseConv
 *     (that output, Wd, Bd, Wp, Bp, Z?) reads; the expansion's attributes stored as {@code e_<name>}, the pair's as in
 *     DepthwisePointwiseConv. The result is the pair's, the whole block computed in bands of rows.</li>
 * <li>{@code ConvMaxPool(X, W, B?)}: a FusedConv (X, W, B; no residual) whose output only a 2-D
 *     MaxPool (one output) reads; the convolution's attributes stored as {@code c_<name>}, the
 *     pool's as {@code p_<name>}. The result is the pool's, computed in bands of rows.</li>
 * <li>{@code FusedGemm(A, B, C?)}: ONNX Gemm (transA, transB, alpha, beta) then the activation.</li>
 * <li>{@code FusedMatMul(A, B, bias?, Z?)}: MatMul of A (any rank) by a 2-D B, plus a bias of
 *     length N, plus Z (residual, broadcastable to the product; the optimizer only emits it with
 *     exactly the product's shape), then the activation: a dense layer on [batch, seq, hidden].
 *     Z is optional and may be left out, so three-input nodes keep their meaning.</li>
 * <li>{@code DynamicQuantMatMul(X, W1, w_zero_point1?, w_scale1, bias1?, W2, ...)}: the
 *     dynamically quantized dense layers reading one X, one output per group of four inputs.
 *     With {@code (Xq, x_scale, x_zero_point) = DynamicQuantizeLinear(X)}, output g is
 *     {@code Cast<float>(MatMulInteger(Xq, Wg, x_zero_point, w_zero_point_g)) * (x_scale * w_scale_g) + bias_g},
 *     each step rounded to float as the unfused ops do (bit for bit equal). W is 2-D int8 or
 *     uint8 [K, N_g] (all groups the same type and K), the zero point, scale and bias hold one
 *     value or N_g; X is FLOAT [..., K], output g [..., N_g]. Quantizing all of X couples
 *     the samples of a batch, as DynamicQuantizeLinear does.</li>
 * <li>{@code LayerNormalization(X, scale, bias?)}: as ONNX LayerNormalization-17 (axis, epsilon),
 *     first output only; the target of the decomposed-form fusion for models with opset &lt; 17.</li>
 * <li>{@code Gelu(X)}: attribute approximate = "none" (erf form) or "tanh".</li>
 * <li>{@code Attention(Q, Kt, V, mask?)}: {@code softmax(Q @ Kt * scale + mask, axis=-1) @ V}
 *     with Q [..., S, D], Kt [..., D, T] (K already transposed), V [..., T, Dv], a mask
 *     broadcastable to [..., S, T]; attributes scale (float) and nan_to_zero (int: rows whose
 *     scores are all -inf give 0 instead of NaN, as the IsNaN/Where guard of exporters does).
 *     With {@code bshd = 1} (set by the attention-head-layout pass) the inputs are Q [B, S, H, D],
 *     K [B, T, H, D] (not transposed) and V [B, T, H, Dv], read in place through their strides,
 *     and the output is [B, S, H, Dv]: the head Transposes of the export are gone, the products
 *     are unchanged (bit-identical to Transpose + Attention + Transpose).</li>
 * </ul>
 *
 * The activation of FusedConv, FusedGemm and FusedMatMul is the string attribute
 * {@code activation} (NONE, RELU, CLIP, LEAKY_RELU, SIGMOID, HARD_SIGMOID, HARD_SWISH, SILU,
 * TANH, GELU, GELU_TANH) with {@code activation_params} = [a, b]: CLIP's min and max,
 * LEAKY_RELU's alpha, HARD_SIGMOID's alpha and beta.
 *
 * <p>The numeric work sits behind {@link io.ghostflow.runtime.ops.fused.FusedKernels}, the one
 * place to switch to the Vector API kernels.
 */
package io.ghostflow.runtime.ops.fused;

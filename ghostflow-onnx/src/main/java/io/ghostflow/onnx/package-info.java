/**
 * The ONNX file format: reading and writing {@code ModelProto} and the value messages, and
 * conversion of tensors to GhostFlow values.
 *
 * <ul>
 *   <li>{@link io.ghostflow.onnx.OnnxFiles}: read (mapped, aliased parse), parse, write, write
 *       with external data ({@link io.ghostflow.onnx.ExternalDataPolicy}).</li>
 *   <li>{@link io.ghostflow.onnx.TensorProtos}: TensorProto, SparseTensorProto, SequenceProto and
 *       OptionalProto to {@code Tensor}/{@code Value}, and Tensor back to TensorProto.</li>
 * </ul>
 *
 * <p>Tensors made from raw_data or external data are views of read-only memory (the mapped file
 * or the parsed byte array): kernels must not write into them. Every malformed or hostile input
 * fails with a {@link io.ghostflow.core.GhostFlowException} (INVALID_FORMAT, or IO_ERROR for
 * unreadable files) whose message names the tensor; sizes are checked before anything is
 * allocated from them. External data {@code checksum} entries are accepted but not verified.
 */
package io.ghostflow.onnx;

/**
 * Kernels over weights and activations.
 *
 * <p>{@link dev.jllm.runtime.tensor.WeightTensor} wraps a matrix kept in its GGUF file layout (a
 * {@code MemorySegment} slice of the model mapping, never dequantized at load time); one subclass per weight
 * type holds a scalar {@code dotScalar} (the oracle and the {@code -Djllm.vector.bits=0} path), a Vector API
 * {@code dotVector} that decodes as it multiplies (one token: decoding speed), and {@code decodeRowVector}.
 * With several tokens {@code matmul} dequantizes a tile of rows once and runs the register-blocked kernels of
 * {@link dev.jllm.runtime.tensor.Gemm} over it (prompts: FMA throughput; F16 keeps its tile as half bits, which
 * the block converts as it loads them); both paths share one operation order,
 * so a token's result does not depend on how many tokens were evaluated with it. {@link dev.jllm.runtime.tensor.Kernels} holds the element-wise and
 * reduction operations of a forward pass (RMSNorm, RoPE in both pair orders, softmax, SwiGLU, dot, axpy),
 * scalar and vector.
 *
 * <p>Determinism is a design rule: vector kernels use only IEEE operations whose results do not depend on
 * JIT state (no {@code reduceLanes(ADD)}, no {@code lanewise(EXP)}; see {@link dev.jllm.runtime.tensor.Simd}
 * and {@link dev.jllm.runtime.tensor.VectorMath}), so a token's logits are bit-identical alone or in a batch,
 * for any thread count.
 *
 * <p>Vector values must stay in registers: a Vector API call that C2 leaves as a call boxes its result (a heap
 * object per operation, a quarter of the speed gone or far more; {@code jllm bench} warns from its bytes per
 * token). So conversions name their target species, {@code convertShape(I2F, F, 0)}, never {@code convert(I2F, 0)},
 * whose species C2 derives from the receiver at run time: in some processes that derivation went through a
 * polluted type profile and the conversion stayed a call (a recording of tl-Q4_K_M pp128: "elementType failed to
 * inline: virtual call", then the conversion's intrinsic failed). Once-per-block bookkeeping inside the big
 * several-token methods is plain scalar code ({@code PackedRows.decodeMins}, {@code subScales}).
 *
 * <p>Types: F32, F16, BF16, Q8_0 and Q4_0 dot straight from the file layout; Q4_1, Q5_0, Q5_1, Q2_K, Q3_K,
 * Q4_K, Q5_K, Q6_K, IQ4_NL and IQ4_XS extend {@link dev.jllm.runtime.tensor.DecodingTensor}, whose vector
 * kernels decode a chunk of blocks to floats in L1 (bit-identical to the scalar decoder) and then multiply-add.
 * A new type is one subclass plus a line in {@code WeightTensor.of}; {@link dev.jllm.runtime.tensor.Quantizer}
 * writes every type (synthetic models, tests).
 */
package dev.jllm.runtime.tensor;

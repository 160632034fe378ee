/**
 * Load-time quantization ({@link dev.jllm.runtime.quant.QuantizingWeightSource}): float matrices re-encoded as
 * Q8_0 or Q4_0 by {@link dev.jllm.runtime.tensor.Quantizer}, ggml's reference rounding for those types.
 */
package dev.jllm.runtime.quant;

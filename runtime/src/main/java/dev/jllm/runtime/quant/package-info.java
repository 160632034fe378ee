/**
 * Writing weights in the engine's types: ggml's reference quantizers ({@link dev.jllm.runtime.quant.ReferenceQuantizer}),
 * used by load-time quantization ({@link dev.jllm.runtime.quant.QuantizingWeightSource}) and by {@code jllm convert}.
 */
package dev.jllm.runtime.quant;

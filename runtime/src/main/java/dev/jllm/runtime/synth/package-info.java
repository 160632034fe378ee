/**
 * Synthetic models of real shapes for benchmarks: {@link dev.jllm.runtime.synth.ModelShape} (the
 * hyper-parameters of TinyLlama, Llama 3.2 1B, Qwen2.5 0.5B, stories260K), {@link dev.jllm.runtime.synth.WeightMix}
 * (one weight type or a llama.cpp-style Q3_K_M / Q4_K_M / Q5_K_M mix, with llama.cpp's fallbacks) and
 * {@link dev.jllm.runtime.synth.SyntheticModelWriter} (seeded random weights to a GGUF file that llama.cpp loads
 * too). Behind {@code jllm synth} and the bench module.
 */
package dev.jllm.runtime.synth;

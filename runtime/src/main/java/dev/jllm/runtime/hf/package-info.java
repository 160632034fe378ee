/**
 * Hugging Face checkpoints in the engine, with no conversion step.
 *
 * <pre>{@code
 * try (HfCheckpoint hf = HfCheckpoint.open(dir);                      // config.json, safetensors, tokenizer.json
 *      LlamaModel model = hf.load(hf.weights(), EngineOptions.defaults())) {
 *     Tokenizer tokenizer = Tokenizers.fromVocab(hf.vocab());
 *     ...
 * }
 * GgufConversion.convert(hf, GgmlType.Q8_0, Path.of("model.gguf"));   // jllm convert
 * }</pre>
 *
 * <p>{@link dev.jllm.runtime.hf.HfModelConfig} maps {@code config.json} (Llama, Mistral, Qwen2, Qwen3 classes) to a
 * {@link dev.jllm.runtime.model.ModelConfig}; {@link dev.jllm.runtime.hf.HfWeightSource} serves the safetensors
 * slices under GGUF tensor names. HF keeps q/k rows in rotate-half order, so the config says NEOX RoPE and the
 * weights are used as they are; only {@link dev.jllm.runtime.hf.GgufConversion} permutes them, to the adjacent-pair
 * order GGUF llama files use.
 */
package dev.jllm.runtime.hf;

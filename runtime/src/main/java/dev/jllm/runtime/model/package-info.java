/**
 * Llama-family decoders over GGUF weights.
 *
 * <pre>{@code
 * try (GgufFile gguf = GgufFile.open(path);
 *      LlamaModel model = LlamaModel.load(gguf)) {            // or load(gguf, EngineOptions)
 *     KvCache kv = model.newKvCache();                       // or newKvCache(maxContext, maxBytes)
 *     Logits out = model.forward(Batch.ofPrompt(promptIds, 0, 0), kv);
 *     float[] next = out.get(promptIds.length - 1);
 *     // next step: new Batch().add(token, position, sequenceId, true); several sequences may share a batch
 * }
 * }</pre>
 *
 * <p>Weights come from a {@link dev.jllm.runtime.model.WeightSource} by GGUF tensor names: a GGUF file, a Hugging
 * Face checkpoint ({@link dev.jllm.runtime.hf}) or a quantizing view of either
 * ({@code LlamaModel.load(source, config, options)}).
 *
 * <p>{@link dev.jllm.runtime.model.ModelConfig} is read from the GGUF metadata (or config.json); architecture differences
 * ({@link dev.jllm.runtime.model.Architecture}: llama, qwen2, qwen3) are data: RoPE pair order, optional
 * biases, per-head q/k norms, tied output, RoPE scaling (linear, YaRN, Llama 3 frequency factors).
 * {@link dev.jllm.runtime.model.LlamaModel#forward} evaluates a {@link dev.jllm.runtime.model.Batch} of
 * (token, position, sequence, wants-logits) entries in one pass, causal per sequence.
 */
package dev.jllm.runtime.model;

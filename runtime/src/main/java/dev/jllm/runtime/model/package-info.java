/**
 * Decoder-only transformers over GGUF weights: llama (incl. Mixtral-style experts), qwen2, qwen3, qwen3moe, phi3,
 * gemma2, gemma3, granite.
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
 * <p>{@link dev.jllm.runtime.model.ModelConfig} is read from the GGUF metadata (or config.json), with the families'
 * extras in {@link dev.jllm.runtime.model.ArchParams}. Each family's layer is one {@code Decoder} (as llama.cpp's
 * {@code src/models/*.cpp}) composed of shared operations ({@code ForwardOps}: projections, norms, RoPE, attention
 * with window and soft-cap, gated FFN; {@code MoeFeedForward}: routed experts).
 * {@link dev.jllm.runtime.model.LlamaModel#forward} evaluates a {@link dev.jllm.runtime.model.Batch} of
 * (token, position, sequence, wants-logits) entries in one pass, causal per sequence.
 */
package dev.jllm.runtime.model;

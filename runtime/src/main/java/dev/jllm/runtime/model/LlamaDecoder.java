package dev.jllm.runtime.model;

/**
 * Llama 2/3, Mistral, Mixtral (llama with experts), Qwen2, Qwen3 and Qwen3-MoE (llama.cpp's {@code llama.cpp},
 * {@code qwen2.cpp}, {@code qwen3.cpp}, {@code qwen3moe.cpp}): pre-norm attention with optional q/k/v biases and
 * per-head q/k norms, RoPE with the optional Llama 3 frequency factors, scores scaled by 1/sqrt(head width),
 * then a SwiGLU FFN or the routed experts.
 */
final class LlamaDecoder extends Decoder {

    private final RopeTable rope;
    private final AttentionSpec attention;

    LlamaDecoder(ModelConfig c, ModelWeights w, ForwardOps ops) {
        super(c, w, ops);
        this.rope = new RopeTable(new Rope(c, w.ropeFreqs()));
        this.attention = new AttentionSpec((float) (1.0 / Math.sqrt(c.keyLength())), 0f, 0);
    }

    @Override
    void prepare(Step s, int maxContext) {
        rope.fill(s.positions(), s.n());
    }

    @Override
    void layer(int l, Step s) {
        block(l, s, rope, 1f, attention, 1f, ForwardOps.Activation.SILU, false);
    }
}

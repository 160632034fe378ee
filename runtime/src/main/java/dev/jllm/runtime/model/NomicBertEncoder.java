package dev.jllm.runtime.model;

/**
 * Nomic's BERT ({@code nomic-bert}, nomic-embed-text): no position embeddings; q and k are rotated instead
 * (rotate-half RoPE, {@code rope.freq_base}), from a fused {@code attn_qkv}; the feed-forward is SwiGLU without
 * biases ({@code silu(gate . x) * (up . x)}), as llama.cpp's {@code bert.cpp} builds it for this family.
 */
final class NomicBertEncoder extends Encoder {

    private final RopeTable rope;

    NomicBertEncoder(ModelConfig c, EncoderWeights w, ForwardOps ops) {
        super(c, w, ops);
        this.rope = new RopeTable(new Rope(c, null));
    }

    @Override
    void prepare(int[] positions, int n) {
        super.prepare(positions, n);
        rope.fill(positions, n);
    }

    @Override
    protected void rotate(LayerWeights lw, int n) {
        ops.normRopeScale(lw, rope, 1f, n);
    }

    @Override
    protected void feedForward(LayerWeights lw, int n) {
        ops.gatedFeedForward(lw, ForwardOps.Activation.SILU, n);
    }
}

package dev.jllm.runtime.model;

/**
 * Phi-3, Phi-3.5 and Phi-4-mini (llama.cpp's {@code phi3.cpp}): Llama's block with fused q/k/v and gate/up
 * tensors (split into views at load), NEOX RoPE over the leading {@code rope.dimension_count} elements of each
 * head (partial rotary), LongRoPE: {@code rope_factors_long} when the context per sequence exceeds the
 * original training context, {@code rope_factors_short} otherwise, and queries scaled by 1/sqrt(head width)
 * before the dot products. llama.cpp disables sliding-window attention for phi3, so every layer sees the
 * whole context here too.
 */
final class Phi3Decoder extends Decoder {

    private final RopeTable shortRope;
    private final RopeTable longRope;
    private final float queryScale;
    private final AttentionSpec attention = new AttentionSpec(1f, 0f, 0);
    private RopeTable current;

    Phi3Decoder(ModelConfig c, ModelWeights w, ForwardOps ops) {
        super(c, w, ops);
        float[] shortFactors = w.ropeFactorsShort() != null ? w.ropeFactorsShort() : w.ropeFreqs();
        float[] longFactors = w.ropeFactorsLong() != null ? w.ropeFactorsLong() : w.ropeFreqs();
        this.shortRope = new RopeTable(new Rope(c, shortFactors));
        this.longRope = new RopeTable(new Rope(c, longFactors));
        this.queryScale = (float) (1.0 / Math.sqrt((float) c.keyLength()));
    }

    @Override
    void prepare(Step s, int maxContext) {
        // llama_model::get_rope_factors: the long factors once the context per sequence exceeds the original one;
        // llama.cpp pads that context to a multiple of 256 first, and so does this choice
        int padded = (int) ((maxContext + 255L) / 256 * 256);
        current = padded > c.ropeScaling().originalContextLength() ? longRope : shortRope;
        current.fill(s.positions(), s.n());
    }

    @Override
    void layer(int l, Step s) {
        block(l, s, current, queryScale, attention, 1f, ForwardOps.Activation.SILU, false);
    }
}

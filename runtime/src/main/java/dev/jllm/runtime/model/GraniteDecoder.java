package dev.jllm.runtime.model;

/**
 * IBM Granite 3.x dense (llama.cpp's {@code granite.cpp}): Llama's block with the multipliers from the metadata:
 * token embeddings times {@code embedding_scale}, scores times {@code attention.scale} (instead of
 * 1/sqrt(head width)), each block's output times {@code residual_scale} before it joins the residual, and the
 * output logits divided by {@code logit_scale}. RoPE is off when {@code rope.scaling.finetuned} is false.
 */
final class GraniteDecoder extends Decoder {

    private final RopeTable rope;
    private final AttentionSpec attention;

    GraniteDecoder(ModelConfig c, ModelWeights w, ForwardOps ops) {
        super(c, w, ops);
        float scale = c.params().attentionScale();
        this.rope = c.params().rope() ? new RopeTable(new Rope(c, w.ropeFreqs())) : null;
        this.attention = new AttentionSpec(scale == 0f ? (float) (1.0 / Math.sqrt((float) c.keyLength())) : scale, 0f, 0);
    }

    @Override
    void prepare(Step s, int maxContext) {
        if (rope != null) {
            rope.fill(s.positions(), s.n());
        }
    }

    @Override
    void layer(int l, Step s) {
        block(l, s, rope, 1f, attention, c.params().residualScale(), ForwardOps.Activation.SILU, false);
    }

    @Override
    void finishLogits(float[] logits, int off, int vocab) {
        float logitScale = c.params().logitScale();
        if (logitScale != 0f) {
            float inv = 1f / logitScale;
            for (int i = off; i < off + vocab; i++) {
                logits[i] *= inv;
            }
        }
    }
}

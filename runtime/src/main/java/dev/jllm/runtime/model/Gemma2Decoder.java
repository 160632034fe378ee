package dev.jllm.runtime.model;

/**
 * Gemma 2 (llama.cpp's {@code gemma2.cpp}): embeddings times sqrt(width); per layer an RMS-normed attention whose
 * queries are pre-scaled (1/sqrt(head width), 1/sqrt(width / heads) for the 27B), scores soft-capped
 * ({@code attn_logit_softcapping}, default 50) and, on the sliding-window layers (every other one, from the
 * first), limited to the window; the attention output and the GELU-tanh gated FFN output are RMS-normed again
 * ({@code post_attention_norm}, {@code post_ffw_norm}) before joining the residual; the output logits are
 * soft-capped ({@code final_logit_softcapping}, default 30).
 */
final class Gemma2Decoder extends Decoder {

    private final RopeTable global;
    private final RopeTable local;
    private final AttentionSpec globalAttention;
    private final AttentionSpec localAttention;

    Gemma2Decoder(ModelConfig c, ModelWeights w, ForwardOps ops) {
        super(c, w, ops);
        ArchParams p = c.params();
        this.global = new RopeTable(new Rope(c, null));
        // llama.cpp: sliding-window layers use rope.freq_base_swa (for gemma2 the same scaling as the others)
        this.local = new RopeTable(new Rope(c.ropeDimensions(), c.ropeOrder(), p.ropeFreqBaseSwa(),
                c.ropeScaling(), null));
        this.globalAttention = new AttentionSpec(1f, p.attnSoftcap(), 0);
        this.localAttention = new AttentionSpec(1f, p.attnSoftcap(), p.slidingWindow());
    }

    @Override
    void prepare(Step s, int maxContext) {
        global.fill(s.positions(), s.n());
        local.fill(s.positions(), s.n());
    }

    @Override
    void layer(int l, Step s) {
        LayerWeights lw = w.layers()[l];
        ForwardBuffers b = ops.b;
        int n = s.n();
        boolean swa = c.params().isSlidingWindow(l);
        ops.rmsnormRows(b.x, b.xb, lw.attnNorm(), n);
        ops.projectQkv(lw, n);
        ops.normRopeScale(lw, swa ? local : global, c.params().attentionScale(), n);
        ops.storeKv(l, s);
        ops.attention(l, s, swa ? localAttention : globalAttention);
        ops.attentionOutput(lw, n);
        ops.postNorm(lw.attnPostNorm(), n);
        ops.addToResidual(1f, n);
        ops.rmsnormRows(b.x, b.xb, lw.ffnNorm(), n);
        feedForward(lw, ForwardOps.Activation.GELU_TANH, n);
        ops.postNorm(lw.ffnPostNorm(), n);
        ops.addToResidual(1f, n);
    }

    @Override
    void finishLogits(float[] logits, int off, int vocab) {
        if (c.params().finalSoftcap() != 0f) {
            softcap(logits, off, vocab, c.params().finalSoftcap());
        }
    }
}

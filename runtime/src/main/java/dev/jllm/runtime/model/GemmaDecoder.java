package dev.jllm.runtime.model;

/**
 * Gemma 2 and Gemma 3, text (llama.cpp's {@code gemma2.cpp}, {@code gemma3.cpp}): embeddings times sqrt(width);
 * per layer an RMS-normed attention whose queries are pre-scaled ({@code attention.scale}: 1/sqrt(head width),
 * 1/sqrt(width / heads) for Gemma 2 27B) and which, on the sliding-window layers, sees only the window; the
 * attention output and the GELU-tanh gated FFN output are RMS-normed again ({@code post_attention_norm},
 * {@code post_ffw_norm}) before joining the residual; the output logits soft-capped when the file sets
 * {@code final_logit_softcapping} (Gemma 2's default 30).
 *
 * <p>What differs: Gemma 2 soft-caps the scores ({@code attn_logit_softcapping}, default 50), slides every other
 * layer from the first, and its local layers use {@code rope.freq_base_swa} with the global layers' scaling.
 * Gemma 3 has per-head q/k norms (in {@link ForwardOps#normRopeScale}), no score soft-cap, a pattern of local
 * layers (five local, one global by default: {@code attention.sliding_window_pattern}) whose RoPE uses the local
 * base (default 10000) unscaled, while its global layers use {@code rope.freq_base} with the file's scaling.
 */
final class GemmaDecoder extends Decoder {

    private final RopeTable global;
    private final RopeTable local;
    private final AttentionSpec globalAttention;
    private final AttentionSpec localAttention;

    GemmaDecoder(ModelConfig c, ModelWeights w, ForwardOps ops) {
        super(c, w, ops);
        ArchParams p = c.params();
        boolean gemma3 = c.architecture() == Architecture.GEMMA3;
        this.global = new RopeTable(new Rope(c, null));
        RopeScaling localScaling = gemma3 ? c.ropeScaling().withFreqScale(1f) : c.ropeScaling();
        this.local = p.slidingWindow() > 0 || !gemma3 ? new RopeTable(new Rope(c.ropeDimensions(), c.ropeOrder(),
                p.ropeFreqBaseSwa(), localScaling, null)) : null;
        float softcap = gemma3 ? 0f : p.attnSoftcap();
        this.globalAttention = new AttentionSpec(1f, softcap, 0);
        this.localAttention = new AttentionSpec(1f, softcap, p.slidingWindow());
    }

    @Override
    void prepare(Step s, int maxContext) {
        global.fill(s.positions(), s.n());
        if (local != null) {
            local.fill(s.positions(), s.n());
        }
    }

    @Override
    void layer(int l, Step s) {
        boolean swa = c.params().isSlidingWindow(l);
        block(l, s, swa ? local : global, c.params().attentionScale(), swa ? localAttention : globalAttention, 1f,
                ForwardOps.Activation.GELU_TANH, true);
    }

    @Override
    void finishLogits(float[] logits, int off, int vocab) {
        if (c.params().finalSoftcap() != 0f) {
            softcap(logits, off, vocab, c.params().finalSoftcap());
        }
    }
}

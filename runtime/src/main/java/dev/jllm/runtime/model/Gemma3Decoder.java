package dev.jllm.runtime.model;

/**
 * Gemma 3, text (llama.cpp's {@code gemma3.cpp}): Gemma 2's block without attention soft-capping, with per-head
 * RMS norms of q and k before RoPE, sliding-window layers in a pattern (five local, one global by default:
 * {@code attention.sliding_window_pattern}) whose RoPE uses the local base {@code rope.freq_base_swa} (default
 * 10000) unscaled, while the global layers use {@code rope.freq_base} with the file's RoPE scaling; the final
 * soft-cap only when the file sets one.
 */
final class Gemma3Decoder extends Decoder {

    private final RopeTable global;
    private final RopeTable local;
    private final AttentionSpec globalAttention = new AttentionSpec(1f, 0f, 0);
    private final AttentionSpec localAttention;

    Gemma3Decoder(ModelConfig c, ModelWeights w, ForwardOps ops) {
        super(c, w, ops);
        ArchParams p = c.params();
        this.global = new RopeTable(new Rope(c, null));
        this.local = p.slidingWindow() > 0 ? new RopeTable(new Rope(c.ropeDimensions(), c.ropeOrder(),
                p.ropeFreqBaseSwa(), c.ropeScaling().withFreqScale(1f), null)) : null;
        this.localAttention = new AttentionSpec(1f, 0f, p.slidingWindow());
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

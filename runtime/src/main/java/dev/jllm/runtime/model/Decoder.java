package dev.jllm.runtime.model;

/**
 * How one architecture family computes its layers from the shared {@link ForwardOps}, as llama.cpp keeps one
 * graph builder per family in {@code src/models/*.cpp}. {@link LlamaModel} runs the rest (batch checks, KV
 * cache, embedding look-up, final norm and output matrix) the same for all families.
 */
abstract class Decoder {

    protected final ModelConfig c;
    protected final ModelWeights w;
    protected final ForwardOps ops;
    private final MoeFeedForward moe;

    Decoder(ModelConfig c, ModelWeights w, ForwardOps ops) {
        this.c = c;
        this.w = w;
        this.ops = ops;
        this.moe = c.params().hasExperts() ? new MoeFeedForward(ops, c.params()) : null;
    }

    /** The decoder of {@code c}'s architecture. */
    static Decoder of(ModelConfig c, ModelWeights w, ForwardOps ops) {
        return switch (c.architecture()) {
            case LLAMA, QWEN2, QWEN3, QWEN3MOE -> new LlamaDecoder(c, w, ops);
            case PHI3 -> new Phi3Decoder(c, w, ops);
            case GEMMA2, GEMMA3 -> new GemmaDecoder(c, w, ops);
            case GRANITE -> new GraniteDecoder(c, w, ops);
            case BERT, NOMIC_BERT -> throw new IllegalArgumentException(c.architecture().ggufName()
                    + " is an encoder: EncoderModel runs it");
        };
    }

    /**
     * Before the layers of a micro-batch: fill the RoPE tables for its positions. {@code maxContext} is the
     * per-sequence context of the KV cache (LongRoPE picks its factors by it).
     */
    abstract void prepare(Step s, int maxContext);

    /** Layer {@code l}: reads and updates the residual stream {@code x} of every token. */
    abstract void layer(int l, Step s);

    /** Factor on the token embeddings before the first layer (1: none). */
    float embeddingScale() {
        float scale = c.params().embeddingScale();
        return scale == 0f ? 1f : scale;
    }

    /** Final changes to one token's logits (soft-cap, logit scale); none by default. */
    void finishLogits(float[] logits, int off, int vocab) {
    }

    /**
     * The pre-norm block every family shares: RMS norm, q/k/v, per-head norms, RoPE with {@code rope} (null: none)
     * and queries times {@code queryScale}, the keys and values into the cache, attention as {@code attention} says,
     * the output projection; then RMS norm and the feed-forward with {@code act}. Each half's output is RMS-normed
     * again when {@code postNorms} (Gemma's post-attention and post-FFN norms) and scaled by {@code residualScale}
     * (1: none) as it joins the residual stream.
     */
    protected void block(int l, Step s, RopeTable rope, float queryScale, AttentionSpec attention,
                         float residualScale, ForwardOps.Activation act, boolean postNorms) {
        LayerWeights lw = w.layers()[l];
        ForwardBuffers b = ops.b;
        int n = s.n();
        ops.rmsnormRows(b.x, b.xb, lw.attnNorm(), n);
        ops.projectQkv(lw, n);
        ops.normRopeScale(lw, rope, queryScale, n);
        ops.storeKv(l, s);
        ops.attention(l, s, attention);
        ops.attentionOutput(lw, n);
        if (postNorms) {
            ops.postNorm(lw.attnPostNorm(), n);
        }
        ops.addToResidual(residualScale, n);
        ops.rmsnormRows(b.x, b.xb, lw.ffnNorm(), n);
        feedForward(lw, act, n);
        if (postNorms) {
            ops.postNorm(lw.ffnPostNorm(), n);
        }
        ops.addToResidual(residualScale, n);
    }

    /** The layer's feed-forward into {@code xb2}: the routed experts when the layer has them, else the gated FFN. */
    protected void feedForward(LayerWeights lw, ForwardOps.Activation act, int n) {
        if (lw.experts() != null) {
            moe.forward(lw.experts(), n);
        } else {
            ops.gatedFeedForward(lw, act, n);
        }
    }

    /** {@code cap * tanh(x / cap)} on logits, as Gemma's final soft-capping. */
    static void softcap(float[] logits, int off, int n, float cap) {
        float inv = 1f / cap;
        for (int i = off; i < off + n; i++) {
            logits[i] = (float) Math.tanh(logits[i] * inv) * cap;
        }
    }
}

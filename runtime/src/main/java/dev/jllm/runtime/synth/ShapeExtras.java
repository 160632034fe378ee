package dev.jllm.runtime.synth;

/**
 * What a {@link ModelShape} adds to the Llama core, per architecture family (all zero / false: none).
 *
 * @param headDim          per-head width when it is not width / heads (Gemma: 256; Qwen3: 128)
 * @param ropeDims         rotated elements per head when fewer than the head (partial rotary)
 * @param qkNorm           per-head q/k RMS norms (qwen3, qwen3moe, gemma3)
 * @param experts          experts per layer (0: dense)
 * @param expertsUsed      experts per token
 * @param expertFf         one expert's hidden width ({@code expert_feed_forward_length}, qwen3moe)
 * @param slidingWindow    {@code attention.sliding_window}
 * @param swaPeriod        {@code attention.sliding_window_pattern} (0: not written)
 * @param ropeBaseSwa      {@code rope.freq_base_swa} (0: not written)
 * @param attnSoftcap      {@code attn_logit_softcapping} (0: not written)
 * @param finalSoftcap     {@code final_logit_softcapping} (0: not written)
 * @param embeddingScale   Granite's {@code embedding_scale} (0: not written)
 * @param residualScale    Granite's {@code residual_scale}
 * @param attentionScale   Granite's {@code attention.scale}
 * @param logitScale       Granite's {@code logit_scale}
 * @param longRopeOriginal LongRoPE: {@code rope.scaling.original_context_length}, with {@code rope_factors_long} and
 *                         {@code rope_factors_short} tensors (0: no LongRoPE)
 */
public record ShapeExtras(int headDim, int ropeDims, boolean qkNorm, int experts, int expertsUsed, int expertFf,
                          int slidingWindow, int swaPeriod, float ropeBaseSwa, float attnSoftcap, float finalSoftcap,
                          float embeddingScale, float residualScale, float attentionScale, float logitScale,
                          int longRopeOriginal) {

    public static final ShapeExtras NONE = new ShapeExtras(0, 0, false, 0, 0, 0, 0, 0, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0);

    /** Qwen3's per-head norms and head width. */
    static ShapeExtras qwen3(int headDim) {
        return new ShapeExtras(headDim, 0, true, 0, 0, 0, 0, 0, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0);
    }

    /** Qwen3-MoE: Qwen3's attention, {@code experts} experts of width {@code expertFf}, {@code used} per token. */
    static ShapeExtras qwen3Moe(int headDim, int experts, int used, int expertFf) {
        return new ShapeExtras(headDim, 0, true, experts, used, expertFf, 0, 0, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0);
    }

    /** Mixtral: llama with {@code experts} experts as wide as the dense FFN. */
    static ShapeExtras mixtral(int experts, int used) {
        return new ShapeExtras(0, 0, false, experts, used, 0, 0, 0, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0);
    }

    /** Phi-3: the (ignored) window, partial rotary and LongRoPE when {@code longRopeOriginal} is positive. */
    static ShapeExtras phi3(int ropeDims, int slidingWindow, int longRopeOriginal) {
        return new ShapeExtras(0, ropeDims, false, 0, 0, 0, slidingWindow, 0, 0f, 0f, 0f, 0f, 0f, 0f, 0f,
                longRopeOriginal);
    }

    static ShapeExtras gemma2(int headDim, int window, float attnSoftcap, float finalSoftcap) {
        return new ShapeExtras(headDim, 0, false, 0, 0, 0, window, 2, 0f, attnSoftcap, finalSoftcap, 0f, 0f, 0f, 0f, 0);
    }

    static ShapeExtras gemma3(int headDim, int window, int period, float ropeBaseSwa) {
        return new ShapeExtras(headDim, 0, true, 0, 0, 0, window, period, ropeBaseSwa, 0f, 0f, 0f, 0f, 0f, 0f, 0);
    }

    static ShapeExtras granite(float embeddingScale, float residualScale, float attentionScale, float logitScale) {
        return new ShapeExtras(0, 0, false, 0, 0, 0, 0, 0, 0f, 0f, 0f, embeddingScale, residualScale, attentionScale,
                logitScale, 0);
    }
}

package dev.jllm.runtime.model;

/**
 * RoPE frequency scaling, resolved the way llama.cpp resolves its context parameters from the GGUF
 * hyper-parameters (no user overrides).
 *
 * @param type                  none, linear or YaRN
 * @param freqScale             1 / {@code rope.scaling.factor} (1 when unscaled)
 * @param originalContextLength {@code rope.scaling.original_context_length} (YaRN correction range)
 * @param extFactor             YaRN extrapolation mix: 1 for YaRN, 0 otherwise
 * @param attnFactor            magnitude factor passed to RoPE (YaRN mscale corrections included)
 * @param betaFast              YaRN low correction dimension parameter (llama.cpp default 32)
 * @param betaSlow              YaRN high correction dimension parameter (llama.cpp default 1)
 */
public record RopeScaling(Type type, float freqScale, int originalContextLength, float extFactor,
                          float attnFactor, float betaFast, float betaSlow) {

    /** LONGROPE scales like LINEAR; its per-frequency factors come from {@code rope_factors_long/short}. */
    public enum Type { NONE, LINEAR, YARN, LONGROPE }

    /** No scaling. */
    public static RopeScaling none(int contextLength) {
        return new RopeScaling(Type.NONE, 1f, contextLength, 0f, 1f, 32f, 1f);
    }

    /**
     * Resolves scaling as {@code llama_context} does: a {@code none} type ignores the factor; YaRN sets the
     * extrapolation factor to 1 and an attention factor that, with the {@code 1 + 0.1 ln(factor)} RoPE
     * applies itself, gives YaRN's magnitude scaling.
     *
     * @param factor                   {@code rope.scaling.factor} (0 or absent = 1)
     * @param originalContextLength    YaRN's original training context
     * @param ropeAttnFactor           {@code rope.scaling.attn_factor} (default 1)
     */
    public static RopeScaling resolve(Type type, float factor, int originalContextLength, float ropeAttnFactor) {
        float freqScale = factor == 0f ? 1f : 1f / factor;
        if (type == Type.NONE) {
            freqScale = 1f;
        }
        float extFactor = type == Type.YARN ? 1f : 0f;
        float attnFactor = 1f;
        if (extFactor != 0f) {
            float f = 1f / freqScale;
            float mscale = f <= 1f ? 1f : (0.1f * (float) Math.log(f) + 1f);
            attnFactor = mscale * (1f / (1f + 0.1f * (float) Math.log(f)));
        }
        attnFactor *= ropeAttnFactor;
        return new RopeScaling(type, freqScale, originalContextLength, extFactor, attnFactor, 32f, 1f);
    }

    /** The same scaling with another frequency scale (llama.cpp's sliding-window layers use their own, 1). */
    public RopeScaling withFreqScale(float scale) {
        return new RopeScaling(type, scale, originalContextLength, extFactor, attnFactor, betaFast, betaSlow);
    }
}

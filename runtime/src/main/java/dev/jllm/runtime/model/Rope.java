package dev.jllm.runtime.model;

import dev.jllm.runtime.tensor.RopeOrder;

/**
 * RoPE angles for a position, computed as ggml's CPU RoPE computes them (so logits match llama.cpp):
 * {@code theta_i = pos * base^(-2i/dims)} by repeated float multiplication, divided by the optional
 * per-frequency factors ({@code rope_freqs.weight}, Llama 3.1+), then linear / YaRN scaling.
 *
 * <p>The table written for a position is in the form {@link dev.jllm.runtime.tensor.Kernels#rope} takes:
 * for each of the {@code dims} rotated elements, the cosine and the signed sine of its pair's angle.
 */
final class Rope {

    private final int dims;
    private final RopeOrder order;
    private final float thetaScale;
    private final float[] freqFactors;
    private final RopeScaling scaling;
    private final float corrLow;
    private final float corrHigh;

    /** @param freqFactors per-pair divisors of the angle ({@code dims / 2} values), or null */
    Rope(ModelConfig config, float[] freqFactors) {
        this(config.ropeDimensions(), config.ropeOrder(), config.ropeFreqBase(), config.ropeScaling(), freqFactors);
    }

    /** A RoPE with its own base and scaling (the sliding-window layers of Gemma 3 use a local base). */
    Rope(int dims, RopeOrder order, float base, RopeScaling scaling, float[] freqFactors) {
        this.dims = dims;
        this.order = order;
        this.thetaScale = (float) Math.pow(base, -2.0 / dims);
        if (freqFactors != null && freqFactors.length < dims / 2) {
            throw new IllegalArgumentException("rope_freqs has " + freqFactors.length + " values, need " + dims / 2);
        }
        this.freqFactors = freqFactors;
        this.scaling = scaling;
        int nCtxOrig = scaling.originalContextLength();
        float start = (float) Math.floor(correctionDim(dims, nCtxOrig, scaling.betaFast(), base));
        float end = (float) Math.ceil(correctionDim(dims, nCtxOrig, scaling.betaSlow(), base));
        this.corrLow = Math.max(0, start);
        this.corrHigh = Math.min(dims - 1, end);
    }

    /** The dimension at which a frequency makes {@code nRot} turns over the original context (YaRN). */
    private static float correctionDim(int dims, int nCtxOrig, float nRot, float base) {
        return dims * (float) Math.log(nCtxOrig / (nRot * 2 * (float) Math.PI)) / (2 * (float) Math.log(base));
    }

    int dims() {
        return dims;
    }

    /** Writes the table of {@code position} to {@code cos[off .. off + dims)} and {@code sin[off ..]}. */
    void fill(int position, float[] cos, float[] sin, int off) {
        float theta = position;
        float freqScale = scaling.freqScale();
        float extFactor = scaling.extFactor();
        for (int i = 0; i < dims / 2; i++) {
            float extrapolated = freqFactors == null ? theta : theta / freqFactors[i];
            float angle = freqScale * extrapolated;
            float mscale = scaling.attnFactor();
            if (extFactor != 0f) {
                float rampMix = ramp(i) * extFactor;
                angle = angle * (1 - rampMix) + extrapolated * rampMix;
                mscale *= 1f + 0.1f * (float) Math.log(1f / freqScale);
            }
            float c = (float) Math.cos(angle) * mscale;
            float s = (float) Math.sin(angle) * mscale;
            int a = order == RopeOrder.NORMAL ? 2 * i : i;
            int b = order == RopeOrder.NORMAL ? 2 * i + 1 : i + dims / 2;
            cos[off + a] = c;
            cos[off + b] = c;
            sin[off + a] = -s;
            sin[off + b] = s;
            theta *= thetaScale;
        }
    }

    /** YaRN's blend between interpolation (0) and extrapolation (1) for pair {@code i}. */
    private float ramp(int i) {
        float y = (i - corrLow) / Math.max(0.001f, corrHigh - corrLow);
        return 1 - Math.min(1, Math.max(0, y));
    }
}

package dev.jllm.runtime.model;

/**
 * How one layer's attention scores are formed: {@code score = dot(q, k) * scale}, then, with a soft-cap,
 * {@code cap * tanh(score / cap)} (Gemma 2), then the softmax over the visible positions: all earlier ones,
 * or with a window only those less than {@code window} positions back (llama.cpp's standard sliding window:
 * position {@code p0} is hidden from {@code p1} when {@code p1 - p0 >= window}).
 *
 * @param scale   factor on each dot product (1 when the family scales the queries beforehand)
 * @param softcap 0 for none
 * @param window  0 for the whole context
 */
record AttentionSpec(float scale, float softcap, int window) {

    /** The first position visible from {@code pos}. */
    int firstVisible(int pos) {
        return window > 0 ? Math.max(0, pos - window + 1) : 0;
    }
}

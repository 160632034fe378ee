package dev.jllm.runtime.model;

import java.util.Arrays;

/**
 * The mixture-of-experts feed-forward (Mixtral, Qwen3-MoE) as llama.cpp's {@code build_moe_ffn} computes it with
 * softmax gating: router logits {@code ffn_gate_inp . x}, softmax over all experts, the {@code k} most probable
 * experts (ties to the lower index), their probabilities divided by their sum (clamped below at 2^-14) and
 * times {@code expert_weights_scale} when set, then {@code sum_i w_i * down_i(silu(gate_i x) * up_i x)} in the
 * order of the selection.
 *
 * <p>Only the chosen experts run. The tokens of a micro-batch are grouped by expert, so each chosen expert's
 * matrices are read once per micro-batch for all the tokens routed to it. A token's result does not depend on
 * the batch: each expert product is the same per-row dot product whatever the group size, and the weighted sum
 * runs in the token's own selection order.
 */
final class MoeFeedForward {

    private final ForwardOps ops;
    private final int experts;
    private final int used;
    private final int ff;
    private final float weightsScale;
    private float[] logits = new float[0];       // [n][experts]
    private int[] chosen = new int[0];           // [n][used]
    private float[] weights = new float[0];      // [n][used]
    private float[] expertIn = new float[0];     // [tokens of one expert][width]
    private float[] expertOut = new float[0];    // [n][used][width]
    private int[] members = new int[0];          // (token * used + slot) entries routed to one expert

    MoeFeedForward(ForwardOps ops, ArchParams p) {
        this.ops = ops;
        this.experts = p.expertCount();
        this.used = p.expertUsedCount();
        this.ff = p.expertFeedForward();
        this.weightsScale = p.expertWeightsScale();
    }

    /** {@code xb2 = moe(xb)} for the {@code n} tokens of the micro-batch. */
    void forward(ExpertWeights w, int n) {
        ForwardBuffers b = ops.b;
        int width = ops.c.embeddingLength();
        ensure(n, width);
        ops.matmul(w.router(), b.xb, n, logits);
        ops.forTokens(n, (long) experts * 8, t -> route(t));

        // Group (token, slot) pairs by expert; each chosen expert runs once over its gathered tokens.
        int[] counts = new int[experts];
        for (int i = 0; i < n * used; i++) {
            counts[chosen[i]]++;
        }
        for (int e = 0; e < experts; e++) {
            int m = counts[e];
            if (m == 0) {
                continue;
            }
            int k = 0;
            for (int i = 0; i < n * used; i++) {
                if (chosen[i] == e) {
                    members[k++] = i;
                }
            }
            for (int i = 0; i < m; i++) {
                System.arraycopy(b.xb, (members[i] / used) * width, expertIn, i * width, width);
            }
            ops.matmul(w.gate()[e], expertIn, m, b.hb);
            ops.matmul(w.up()[e], expertIn, m, b.hb2);
            ops.forTokens(m, (long) ff * 8, i -> ops.glu(ForwardOps.Activation.SILU, b.hb, i * ff, b.hb2, i * ff, ff));
            ops.matmul(w.down()[e], b.hb, m, b.xb2);
            for (int i = 0; i < m; i++) {
                System.arraycopy(b.xb2, i * width, expertOut, members[i] * width, width);
            }
        }
        // Weighted sum in selection order: w_0 * e_0 + w_1 * e_1 + ... (each product rounded, then added).
        ops.forTokens(n, (long) used * width, t -> {
            int out = t * width;
            for (int s = 0; s < used; s++) {
                float wt = weights[t * used + s];
                int src = (t * used + s) * width;
                for (int i = 0; i < width; i++) {
                    float v = wt * expertOut[src + i];
                    b.xb2[out + i] = s == 0 ? v : b.xb2[out + i] + v;
                }
            }
        });
    }

    /** Softmax of token {@code t}'s router logits, its top-{@code used} experts and their normalised weights. */
    private void route(int t) {
        int off = t * experts;
        ops.kernels.softmax(logits, off, experts);
        float sum = 0f;
        for (int s = 0; s < used; s++) {
            int best = -1;
            for (int e = 0; e < experts; e++) {
                if (!taken(t, s, e) && (best < 0 || logits[off + e] > logits[off + best])) {
                    best = e;
                }
            }
            chosen[t * used + s] = best;
            weights[t * used + s] = logits[off + best];
            sum += logits[off + best];
        }
        float denominator = Math.max(sum, 6.103515625e-5f);
        for (int s = 0; s < used; s++) {
            float wt = weights[t * used + s] / denominator;
            if (weightsScale != 0f && weightsScale != 1f) {
                wt *= weightsScale;
            }
            weights[t * used + s] = wt;
        }
    }

    private boolean taken(int t, int slots, int e) {
        for (int s = 0; s < slots; s++) {
            if (chosen[t * used + s] == e) {
                return true;
            }
        }
        return false;
    }

    private void ensure(int n, int width) {
        if (logits.length < n * experts) {
            logits = new float[n * experts];
            chosen = new int[n * used];
            weights = new float[n * used];
            expertIn = new float[n * width];
            expertOut = new float[n * used * width];
            members = new int[n * used];
        }
        Arrays.fill(chosen, 0, n * used, -1);
    }
}

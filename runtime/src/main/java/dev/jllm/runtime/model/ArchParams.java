package dev.jllm.runtime.model;

import java.util.Arrays;

/**
 * The hyper-parameters some architectures add to the Llama core, read from GGUF metadata with llama.cpp's
 * defaults per architecture ({@code llama_model_*::load_arch_hparams}). A value of 0 means "not used".
 *
 * @param expertCount            experts per MoE layer ({@code expert_count}); 0 for a dense model
 * @param expertUsedCount        experts each token is routed to ({@code expert_used_count})
 * @param expertFeedForward      hidden width of one expert ({@code expert_feed_forward_length})
 * @param expertWeightsScale     factor on the routing weights after normalisation (0 or 1: none)
 * @param slidingWindow          attention window of the sliding-window layers ({@code attention.sliding_window}); 0 for none
 * @param swaLayers              which layers use the window (null when {@code slidingWindow} is 0)
 * @param ropeFreqBaseSwa        RoPE base of the sliding-window layers ({@code rope.freq_base_swa})
 * @param attnSoftcap            attention logits become {@code cap * tanh(x / cap)} before the softmax; 0 for none
 * @param finalSoftcap           the same on the output logits ({@code final_logit_softcapping}); 0 for none
 * @param embeddingScale         factor on the token embeddings (Gemma: sqrt(width); Granite: {@code embedding_scale}); 0 for none
 * @param residualScale          factor on each block's output before it joins the residual (Granite); 0 for none
 * @param attentionScale         the attention score scale ({@code attention.scale}); 0 for 1/sqrt(key length)
 * @param logitScale             the output logits are divided by it (Granite {@code logit_scale}); 0 for none
 * @param rope                   whether RoPE is applied (Granite's {@code rope.scaling.finetuned} switch)
 */
public record ArchParams(int expertCount, int expertUsedCount, int expertFeedForward, float expertWeightsScale,
                         int slidingWindow, boolean[] swaLayers, float ropeFreqBaseSwa, float attnSoftcap,
                         float finalSoftcap, float embeddingScale, float residualScale, float attentionScale,
                         float logitScale, boolean rope) {

    /** A dense model with nothing beyond the Llama core. */
    public static final ArchParams NONE = new ArchParams(0, 0, 0, 0f, 0, null, 0f, 0f, 0f, 0f, 0f, 0f, 0f, true);

    public ArchParams {
        swaLayers = swaLayers == null ? null : swaLayers.clone();
    }

    public boolean hasExperts() {
        return expertCount > 0;
    }

    /** Whether layer {@code layer} attends only to the last {@link #slidingWindow} positions. */
    public boolean isSlidingWindow(int layer) {
        return slidingWindow > 0 && swaLayers != null && swaLayers[layer];
    }

    /** llama.cpp's {@code set_swa_pattern(period)}: every {@code period}-th layer is global, the others windowed. */
    static boolean[] swaPattern(int layers, int period) {
        boolean[] swa = new boolean[layers];
        for (int l = 0; l < layers; l++) {
            swa[l] = period == 0 || l % period < period - 1;
        }
        return swa;
    }

    @Override
    public boolean[] swaLayers() {
        return swaLayers == null ? null : swaLayers.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ArchParams p && p.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    @Override
    public String toString() {
        return "ArchParams[experts=" + expertCount + "/" + expertUsedCount + " ff " + expertFeedForward + " scale "
                + expertWeightsScale + ", window=" + slidingWindow + " " + Arrays.toString(swaLayers) + " base "
                + ropeFreqBaseSwa + ", softcap=" + attnSoftcap + "/" + finalSoftcap + ", scales=" + embeddingScale
                + "/" + residualScale + "/" + attentionScale + "/" + logitScale + ", rope=" + rope + "]";
    }
}

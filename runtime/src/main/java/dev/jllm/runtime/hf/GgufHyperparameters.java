package dev.jllm.runtime.hf;

import dev.jllm.models.gguf.GgufWriter;

/**
 * The shape keys every llama.cpp architecture reads ({@code <arch>.context_length}, {@code .block_count}, ...),
 * written the same way by the two places that make GGUF files: {@link GgufConversion} (a Hugging Face checkpoint)
 * and the synthetic models ({@code runtime.synth}).
 *
 * @param keyLength   per-head key width, or 0 to leave it out (llama.cpp then uses width / heads)
 * @param valueLength per-head value width, or 0 to leave it out
 */
public record GgufHyperparameters(String architecture, int context, int width, int layers, int feedForward,
                                  int heads, int kvHeads, int keyLength, int valueLength, int ropeDimensions,
                                  float ropeBase, float rmsEpsilon, int vocab) {

    /** Puts the keys into {@code w}; returns it. */
    public GgufWriter writeTo(GgufWriter w) {
        String a = architecture + ".";
        w.putUInt32(a + "context_length", context)
                .putUInt32(a + "embedding_length", width)
                .putUInt32(a + "block_count", layers)
                .putUInt32(a + "feed_forward_length", feedForward)
                .putUInt32(a + "attention.head_count", heads)
                .putUInt32(a + "attention.head_count_kv", kvHeads)
                .putUInt32(a + "rope.dimension_count", ropeDimensions)
                .putFloat32(a + "rope.freq_base", ropeBase)
                .putFloat32(a + "attention.layer_norm_rms_epsilon", rmsEpsilon)
                .putUInt32(a + "vocab_size", vocab);
        if (keyLength > 0) {
            w.putUInt32(a + "attention.key_length", keyLength);
        }
        if (valueLength > 0) {
            w.putUInt32(a + "attention.value_length", valueLength);
        }
        return w;
    }
}

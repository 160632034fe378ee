package dev.jllm.runtime.model;

import dev.jllm.models.ModelFormatException;
import dev.jllm.runtime.tensor.RopeOrder;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The architectures the engine runs, by their GGUF {@code general.architecture} name, with the
 * RoPE order (as llama.cpp's {@code llama_model_rope_type}) and whether per-head q/k norms are required. How a
 * layer is computed lives in one {@link Decoder} per family ({@link LlamaDecoder}, {@link Phi3Decoder},
 * {@link GemmaDecoder}, {@link GraniteDecoder}); the MoE feed-forward
 * ({@link MoeFeedForward}) replaces the dense one wherever a file has experts. The {@link #encoder} ones (BERT
 * families) only embed text: {@link EncoderModel} runs them ({@link BertEncoder}, {@link NomicBertEncoder}).
 */
public enum Architecture {
    /** Llama 2/3.x, Mistral, TinyLlama, SmolLM: adjacent-pair RoPE, optional biases and rope_freqs. */
    LLAMA(RopeOrder.NORMAL, false),
    /** Qwen2 / Qwen2.5: rotate-half RoPE, q/k/v biases. */
    QWEN2(RopeOrder.NEOX, false),
    /** Qwen3 (dense): rotate-half RoPE, per-head RMS norms of q and k before RoPE. */
    QWEN3(RopeOrder.NEOX, true),
    /** Qwen3 mixture-of-experts (Qwen3-30B-A3B): Qwen3 attention, a routed MoE FFN in every layer. */
    QWEN3MOE(RopeOrder.NEOX, true),
    /** Phi-3 / Phi-3.5 / Phi-4-mini: fused q/k/v and gate/up tensors, LongRoPE factors, partial rotary. */
    PHI3(RopeOrder.NEOX, false),
    /** Gemma 2: scaled embeddings, GELU gated FFN, post norms, soft-capping, alternate sliding-window layers. */
    GEMMA2(RopeOrder.NEOX, false),
    /** Gemma 3 (text): Gemma 2's block with q/k norms, a 5:1 sliding-window pattern and a local RoPE base. */
    GEMMA3(RopeOrder.NEOX, true),
    /** IBM Granite 3.x dense: Llama with embedding, residual, attention and logit multipliers. */
    GRANITE(RopeOrder.NORMAL, false),
    /** BERT encoders (bge, all-MiniLM, e5): learned positions, LayerNorm after each block, GELU FFN; embeddings only. */
    BERT(RopeOrder.NEOX, false),
    /** Nomic's BERT (nomic-embed-text): fused q/k/v, rotate-half RoPE, SwiGLU FFN; embeddings only. */
    NOMIC_BERT(RopeOrder.NEOX, false);

    private final RopeOrder ropeOrder;
    private final boolean qkNorm;

    Architecture(RopeOrder ropeOrder, boolean qkNorm) {
        this.ropeOrder = ropeOrder;
        this.qkNorm = qkNorm;
    }

    /**
     * The {@code general.architecture} value, also the prefix of the architecture's metadata keys: the constant's
     * name in lower case, '-' for '_' ({@code nomic-bert}).
     */
    public String ggufName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public RopeOrder ropeOrder() {
        return ropeOrder;
    }

    /** Whether this is a bidirectional text encoder (embeddings only, no generation). */
    public boolean encoder() {
        return this == BERT || this == NOMIC_BERT;
    }

    /** Whether {@code name} (a {@code general.architecture}) is one of the encoders this engine runs. */
    public static boolean isEncoder(String name) {
        return Arrays.stream(values()).anyMatch(a -> a.encoder() && a.ggufName().equals(name));
    }

    /** Whether every layer has {@code attn_q_norm} and {@code attn_k_norm}. */
    public boolean qkNorm() {
        return qkNorm;
    }

    /** The architecture named {@code name}, or a clear error listing the supported ones. */
    public static Architecture fromGgufName(String name) {
        for (Architecture a : values()) {
            if (a.ggufName().equals(name)) {
                return a;
            }
        }
        throw new dev.jllm.models.UnsupportedModelException("unsupported model architecture '" + name + "' (supported: "
                + supportedNames() + ")");
    }

    /** Comma-separated GGUF names of the supported architectures. */
    public static String supportedNames() {
        return Arrays.stream(values()).map(Architecture::ggufName).collect(Collectors.joining(", "));
    }
}

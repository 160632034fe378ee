package dev.jllm.runtime.model;

import dev.jllm.models.ModelFormatException;
import dev.jllm.runtime.tensor.RopeOrder;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The decoder-only architectures the Llama-family forward pass runs, by their GGUF
 * {@code general.architecture} name. What differs between them is data: the RoPE order (as llama.cpp's
 * {@code llama_model_rope_type}) and which optional tensors must be present.
 */
public enum Architecture {
    /** Llama 2/3.x, Mistral, TinyLlama, SmolLM: adjacent-pair RoPE, optional biases and rope_freqs. */
    LLAMA("llama", RopeOrder.NORMAL, false),
    /** Qwen2 / Qwen2.5: rotate-half RoPE, q/k/v biases. */
    QWEN2("qwen2", RopeOrder.NEOX, false),
    /** Qwen3 (dense): rotate-half RoPE, per-head RMS norms of q and k before RoPE. */
    QWEN3("qwen3", RopeOrder.NEOX, true);

    private final String ggufName;
    private final RopeOrder ropeOrder;
    private final boolean qkNorm;

    Architecture(String ggufName, RopeOrder ropeOrder, boolean qkNorm) {
        this.ggufName = ggufName;
        this.ropeOrder = ropeOrder;
        this.qkNorm = qkNorm;
    }

    /** The {@code general.architecture} value, also the prefix of the architecture's metadata keys. */
    public String ggufName() {
        return ggufName;
    }

    public RopeOrder ropeOrder() {
        return ropeOrder;
    }

    /** Whether every layer has {@code attn_q_norm} and {@code attn_k_norm}. */
    public boolean qkNorm() {
        return qkNorm;
    }

    /** The architecture named {@code name}, or a clear error listing the supported ones. */
    public static Architecture fromGgufName(String name) {
        for (Architecture a : values()) {
            if (a.ggufName.equals(name)) {
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

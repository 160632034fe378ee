package dev.jllm.runtime.model;

import dev.jllm.models.ModelFormatException;
import dev.jllm.models.gguf.GgufFile;

/**
 * Reads the {@link ArchParams} of a GGUF file as llama.cpp's {@code load_arch_hparams} does for each architecture:
 * which keys are read, which are required, and the defaults when they are absent.
 */
final class ArchMetadata {

    private ArchMetadata() {
    }

    /**
     * @param keyLength    per-head width of queries and keys
     * @param widthPerHead embedding width / head count (Gemma's 27B scales attention by it)
     */
    static ArchParams read(GgufFile gguf, Architecture arch, int blocks, int ff, int keyLength, int widthPerHead) {
        String p = arch.ggufName() + ".";
        int width = ModelConfig.required(gguf, p + "embedding_length");
        return switch (arch) {
            case LLAMA, QWEN3MOE -> experts(gguf, arch, p, ff);
            case QWEN2, QWEN3, BERT, NOMIC_BERT -> ArchParams.NONE;
            // llama.cpp reads phi3's attention.sliding_window and then disables sliding-window attention for
            // this architecture (llama.cpp PR 13676): every layer attends to the whole context.
            case PHI3 -> ArchParams.NONE;
            case GEMMA2 -> {
                int window = gguf.integer(p + "attention.sliding_window", 4096);
                boolean[] swa = swaPattern(gguf, p, blocks, 2);
                float base = gguf.float32(p + "rope.freq_base_swa", gguf.float32(p + "rope.freq_base", 10000f));
                float attnCap = gguf.float32(p + "attn_logit_softcapping", 50f);
                float finalCap = gguf.float32(p + "final_logit_softcapping", 30f);
                yield new ArchParams(0, 0, 0, 0f, window, swa, base, attnCap, finalCap, (float) Math.sqrt(width),
                        0f, gemmaAttentionScale(blocks == 46, keyLength, widthPerHead), 0f, true);
            }
            case GEMMA3 -> {
                int window = gguf.integer(p + "attention.sliding_window", 0);
                boolean[] swa = window > 0 ? swaPattern(gguf, p, blocks, 6) : null;
                float base = gguf.float32(p + "rope.freq_base_swa", 10000f);
                float finalCap = gguf.float32(p + "final_logit_softcapping", 0f);
                yield new ArchParams(0, 0, 0, 0f, Math.max(0, window), swa, base, 0f, finalCap,
                        (float) Math.sqrt(width), 0f, gemmaAttentionScale(blocks == 62, keyLength, widthPerHead), 0f,
                        true);
            }
            case GRANITE -> {
                if (!gguf.has(p + "logit_scale")) {
                    throw new ModelFormatException(gguf.path() + ": metadata '" + p + "logit_scale' is missing");
                }
                if (gguf.integer(p + "expert_count", 0) > 0) {
                    throw new ModelFormatException(gguf.path() + ": granite files with experts (granitemoe) are not supported");
                }
                yield new ArchParams(0, 0, 0, 0f, 0, null, 0f, 0f, 0f, gguf.float32(p + "embedding_scale", 0f),
                        gguf.float32(p + "residual_scale", 0f), gguf.float32(p + "attention.scale", 0f),
                        gguf.float32(p + "logit_scale", 0f), gguf.bool(p + "rope.scaling.finetuned", true));
            }
        };
    }

    /** Gemma's query pre-attention scale: 1/sqrt(width / heads) for the 27B models, 1/sqrt(head width) otherwise. */
    private static float gemmaAttentionScale(boolean is27b, int keyLength, int widthPerHead) {
        return (float) (1.0 / Math.sqrt((float) (is27b ? widthPerHead : keyLength)));
    }

    private static ArchParams experts(GgufFile gguf, Architecture arch, String p, int ff) {
        int count = gguf.integer(p + "expert_count", 0);
        if (count == 0) {
            if (arch == Architecture.QWEN3MOE) {
                throw new ModelFormatException(gguf.path() + ": metadata '" + p + "expert_count' is missing");
            }
            return ArchParams.NONE;
        }
        if (!gguf.has(p + "expert_used_count")) {
            throw new ModelFormatException(gguf.path() + ": metadata '" + p + "expert_used_count' is missing");
        }
        int used = gguf.integer(p + "expert_used_count", 0);
        // qwen3moe: the expert width is its own key (else n_ff / used, as llama.cpp); Mixtral's experts are n_ff wide
        int expertFf = arch == Architecture.QWEN3MOE
                ? gguf.integer(p + "expert_feed_forward_length", used > 0 ? ff / used : 0) : ff;
        float scale = gguf.float32(p + "expert_weights_scale", 0f);
        return new ArchParams(count, used, expertFf, scale, 0, null, 0f, 0f, 0f, 0f, 0f, 0f, 0f, true);
    }

    /** {@code attention.sliding_window_pattern}: a period (every period-th layer global) or one bool per layer. */
    private static boolean[] swaPattern(GgufFile gguf, String p, int blocks, int defaultPeriod) {
        String key = p + "attention.sliding_window_pattern";
        Object v = gguf.metadata().get(key);
        if (v == null || v instanceof Integer || v instanceof Long) {
            int period = gguf.integer(key, defaultPeriod);
            if (period < 0) {
                throw new ModelFormatException("metadata '" + key + "' must not be negative, got " + period);
            }
            return ArchParams.swaPattern(blocks, period);
        }
        if (v instanceof boolean[] b) {
            if (b.length != blocks) {
                throw new ModelFormatException("metadata '" + key + "' has " + b.length + " values for " + blocks + " blocks");
            }
            return b.clone();
        }
        throw new ModelFormatException("metadata '" + key + "' must be an integer or a bool per layer");
    }
}

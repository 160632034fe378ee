package dev.jllm.runtime.model;

import dev.jllm.models.ModelFormatException;
import dev.jllm.models.gguf.GgufFile;
import dev.jllm.models.gguf.GgufTensorInfo;
import dev.jllm.runtime.tensor.RopeOrder;

/**
 * Hyper-parameters of a Llama-family model, read from GGUF metadata ({@code {arch}.*} keys) with
 * llama.cpp's defaults.
 *
 * @param architecture       the {@code general.architecture}
 * @param embeddingLength    model width ({@code embedding_length})
 * @param blockCount         number of transformer blocks
 * @param feedForwardLength  hidden width of the SwiGLU FFN
 * @param headCount          query heads
 * @param headCountKv        key/value heads (grouped-query attention when fewer than {@code headCount})
 * @param keyLength          per-head width of queries and keys ({@code attention.key_length}, default width / heads)
 * @param valueLength        per-head width of values ({@code attention.value_length}, same default)
 * @param rmsEpsilon         {@code attention.layer_norm_rms_epsilon} (encoders: their LayerNorm's {@code layer_norm_epsilon})
 * @param ropeDimensions     leading elements of each q/k head that RoPE rotates ({@code rope.dimension_count})
 * @param ropeFreqBase       {@code rope.freq_base} (default 10000)
 * @param ropeOrder          which elements RoPE pairs (from the architecture)
 * @param ropeScaling        linear / YaRN frequency scaling
 * @param contextLength      the training context ({@code context_length}), the default context limit
 * @param vocabSize          rows of {@code token_embd}
 * @param params             what some architectures add: experts, sliding windows, soft-caps, multipliers
 */
public record ModelConfig(Architecture architecture, int embeddingLength, int blockCount, int feedForwardLength,
                          int headCount, int headCountKv, int keyLength, int valueLength, float rmsEpsilon,
                          int ropeDimensions, float ropeFreqBase, RopeOrder ropeOrder, RopeScaling ropeScaling,
                          int contextLength, int vocabSize, ArchParams params) {

    /** A dense model without architecture extras (llama, qwen2, qwen3). */
    public ModelConfig(Architecture architecture, int embeddingLength, int blockCount, int feedForwardLength,
                       int headCount, int headCountKv, int keyLength, int valueLength, float rmsEpsilon,
                       int ropeDimensions, float ropeFreqBase, RopeOrder ropeOrder, RopeScaling ropeScaling,
                       int contextLength, int vocabSize) {
        this(architecture, embeddingLength, blockCount, feedForwardLength, headCount, headCountKv, keyLength,
                valueLength, rmsEpsilon, ropeDimensions, ropeFreqBase, ropeOrder, ropeScaling, contextLength,
                vocabSize, ArchParams.NONE);
    }

    public ModelConfig {
        positive("embedding_length", embeddingLength);
        positive("block_count", blockCount);
        positive("feed_forward_length", feedForwardLength);
        positive("attention.head_count", headCount);
        positive("attention.head_count_kv", headCountKv);
        positive("attention.key_length", keyLength);
        positive("attention.value_length", valueLength);
        positive("context_length", contextLength);
        positive("vocabulary size", vocabSize);
        if (headCount % headCountKv != 0) {
            throw new ModelFormatException("attention.head_count (" + headCount
                    + ") is not a multiple of attention.head_count_kv (" + headCountKv + ")");
        }
        if (ropeDimensions <= 0 || ropeDimensions % 2 != 0 || ropeDimensions > keyLength) {
            throw new ModelFormatException("rope.dimension_count must be even and at most the key length "
                    + keyLength + ", got " + ropeDimensions);
        }
        if (!(rmsEpsilon > 0) || !(ropeFreqBase > 0) || !Float.isFinite(rmsEpsilon) || !Float.isFinite(ropeFreqBase)) {
            throw new ModelFormatException("layer_norm_rms_epsilon and rope.freq_base must be positive, got "
                    + rmsEpsilon + " and " + ropeFreqBase);
        }
        if (params == null) {
            params = ArchParams.NONE;
        }
        if (params.hasExperts() && (params.expertUsedCount() <= 0 || params.expertUsedCount() > params.expertCount()
                || params.expertFeedForward() <= 0)) {
            throw new ModelFormatException("expert_used_count must be in [1, expert_count = " + params.expertCount()
                    + "] and the expert feed-forward length positive, got " + params.expertUsedCount() + " and "
                    + params.expertFeedForward());
        }
        if (params.swaLayers() != null && params.swaLayers().length != blockCount) {
            throw new ModelFormatException("attention.sliding_window_pattern has " + params.swaLayers().length
                    + " values for " + blockCount + " blocks");
        }
    }

    /** The widest FFN hidden layer: the dense one or one expert's. */
    public int maxFeedForwardLength() {
        return Math.max(feedForwardLength, params.expertFeedForward());
    }

    private static void positive(String what, int value) {
        if (value <= 0) {
            throw new ModelFormatException(what + " must be positive, got " + value);
        }
    }

    /** Width of all query heads together. */
    public int queryWidth() {
        return headCount * keyLength;
    }

    /** Width of all key heads together (one position of one layer's key cache). */
    public int keyWidth() {
        return headCountKv * keyLength;
    }

    /** Width of all value heads together. */
    public int valueWidth() {
        return headCountKv * valueLength;
    }

    /** Reads the configuration of a GGUF model; unsupported or inconsistent metadata is a clear error. */
    public static ModelConfig fromGguf(GgufFile gguf) {
        String archName = gguf.string("general.architecture")
                .orElseThrow(() -> new ModelFormatException(gguf.path() + ": metadata 'general.architecture' is missing"));
        Architecture arch = Architecture.fromGgufName(archName);
        String p = archName + ".";
        int width = required(gguf, p + "embedding_length");
        int blocks = required(gguf, p + "block_count");
        int ff = perLayerConstant(gguf, p + "feed_forward_length", blocks);
        int heads = perLayerConstant(gguf, p + "attention.head_count", blocks);
        int kvHeads = gguf.has(p + "attention.head_count_kv")
                ? perLayerConstant(gguf, p + "attention.head_count_kv", blocks) : heads;
        if (heads <= 0) {
            throw new ModelFormatException(p + "attention.head_count must be positive, got " + heads);
        }
        int keyLength = gguf.integer(p + "attention.key_length", width / heads);
        int valueLength = gguf.integer(p + "attention.value_length", width / heads);
        // encoders normalise with LayerNorm, whose epsilon has its own key
        String epsKey = p + (arch.encoder() ? "attention.layer_norm_epsilon" : "attention.layer_norm_rms_epsilon");
        if (!gguf.has(epsKey)) {
            throw new ModelFormatException(gguf.path() + ": metadata '" + epsKey + "' is missing");
        }
        float eps = gguf.float32(epsKey, 0f);
        int ropeDims = gguf.integer(p + "rope.dimension_count", keyLength);
        float freqBase = gguf.float32(p + "rope.freq_base", 10000f);
        int context = required(gguf, p + "context_length");

        String scalingName = gguf.string(p + "rope.scaling.type", "linear");
        RopeScaling.Type scalingType = switch (scalingName) {
            case "none" -> RopeScaling.Type.NONE;
            case "linear" -> RopeScaling.Type.LINEAR;
            case "yarn" -> RopeScaling.Type.YARN;
            case "longrope" -> RopeScaling.Type.LONGROPE;
            default -> throw new ModelFormatException("unsupported rope.scaling.type '" + scalingName
                    + "' (supported: none, linear, yarn, longrope)");
        };
        float factor = gguf.has(p + "rope.scaling.factor") ? gguf.float32(p + "rope.scaling.factor", 0f)
                : gguf.float32(p + "rope.scale_linear", 0f);
        int originalContext = gguf.integer(p + "rope.scaling.original_context_length", context);
        float attnFactor = gguf.float32(p + "rope.scaling.attn_factor", 1f);
        RopeScaling scaling = RopeScaling.resolve(scalingType, factor, originalContext, attnFactor);

        GgufTensorInfo embeddings = gguf.requireTensor("token_embd.weight");
        if (embeddings.dims() != 2 || embeddings.dim(0) != width || embeddings.dim(1) > Integer.MAX_VALUE) {
            throw new ModelFormatException("token_embd.weight has shape " + embeddings.shape()
                    + ", expected [" + width + ", vocabulary size]");
        }
        int vocab = (int) embeddings.dim(1);
        ArchParams params = ArchMetadata.read(gguf, arch, blocks, ff, keyLength, width / heads);
        return new ModelConfig(arch, width, blocks, ff, heads, kvHeads, keyLength, valueLength, eps, ropeDims,
                freqBase, arch.ropeOrder(), scaling, context, vocab, params);
    }

    static int required(GgufFile gguf, String key) {
        if (!gguf.has(key)) {
            throw new ModelFormatException(gguf.path() + ": metadata '" + key + "' is missing");
        }
        return gguf.integer(key, 0);
    }

    /** A value llama.cpp allows per layer; this engine needs it equal across layers. */
    private static int perLayerConstant(GgufFile gguf, String key, int blocks) {
        if (!gguf.has(key)) {
            throw new ModelFormatException(gguf.path() + ": metadata '" + key + "' is missing");
        }
        Object v = gguf.metadata().get(key);
        if (v instanceof Integer || v instanceof Long) {
            return gguf.integer(key, 0);
        }
        int[] values = gguf.ints(key);
        if (values.length != blocks) {
            throw new ModelFormatException("metadata '" + key + "' has " + values.length + " values for "
                    + blocks + " blocks");
        }
        for (int value : values) {
            if (value != values[0]) {
                throw new ModelFormatException("metadata '" + key
                        + "' differs between layers, which this engine does not support");
            }
        }
        return values[0];
    }
}

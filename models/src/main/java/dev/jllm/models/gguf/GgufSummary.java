package dev.jllm.models.gguf;

import java.util.EnumMap;
import java.util.Map;

/**
 * What a user wants to know about a GGUF model before running it: what `jllm show` prints and what model
 * listings report.
 *
 * @param weightTypes     number of tensors of each type
 * @param fileType        the dominant quantization by bytes (e.g. Q4_K), as llama.cpp names the file type
 */
public record GgufSummary(String name, String architecture, long parameters, long contextLength,
                          long embeddingLength, long blockCount, long headCount, long headCountKv,
                          Map<GgmlType, Integer> weightTypes, GgmlType fileType, String tokenizerModel,
                          String tokenizerPre, int vocabSize, boolean hasChatTemplate, long fileBytes) {

    public static GgufSummary of(GgufFile g) {
        String arch = g.string("general.architecture", "unknown");
        Map<GgmlType, Integer> types = new EnumMap<>(GgmlType.class);
        Map<GgmlType, Long> bytes = new EnumMap<>(GgmlType.class);
        long params = 0;
        for (GgufTensorInfo t : g.tensors()) {
            params += t.elements();
            types.merge(t.type(), 1, Integer::sum);
            // Norms and biases are F32 in every file; the weight matrices decide the file type.
            if (t.dims() >= 2) {
                bytes.merge(t.type(), t.byteSize(), Long::sum);
            }
        }
        GgmlType fileType = bytes.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey)
                .orElse(types.isEmpty() ? null : types.keySet().iterator().next());
        String[] tokens = g.strings("tokenizer.ggml.tokens");
        return new GgufSummary(
                g.string("general.name", g.path().getFileName().toString()),
                arch,
                params,
                g.longValue(arch + ".context_length", 0),
                g.longValue(arch + ".embedding_length", 0),
                g.longValue(arch + ".block_count", 0),
                g.longValue(arch + ".attention.head_count", 0),
                g.longValue(arch + ".attention.head_count_kv", g.longValue(arch + ".attention.head_count", 0)),
                types,
                fileType,
                g.string("tokenizer.ggml.model", "none"),
                g.string("tokenizer.ggml.pre", "default"),
                tokens == null ? 0 : tokens.length,
                g.has("tokenizer.chat_template"),
                g.mapping().byteSize());
    }

    /** Parameters in the way model cards write them: 260K, 1.1B. */
    public String parametersHuman() {
        double p = parameters;
        if (p >= 1e9) {
            return String.format(java.util.Locale.ROOT, "%.1fB", p / 1e9);
        }
        if (p >= 1e6) {
            return String.format(java.util.Locale.ROOT, "%.1fM", p / 1e6);
        }
        if (p >= 1e3) {
            return String.format(java.util.Locale.ROOT, "%.0fK", p / 1e3);
        }
        return Long.toString(parameters);
    }
}

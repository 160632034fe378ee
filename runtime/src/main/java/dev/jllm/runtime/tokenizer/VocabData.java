package dev.jllm.runtime.tokenizer;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * The raw tokenizer description of a model: the values of GGUF's {@code tokenizer.ggml.*} metadata, or the same
 * facts gathered from a Hugging Face {@code tokenizer.json}. Nothing here is defaulted or interpreted; absent
 * values stay absent (null arrays, missing map entries) and {@link Tokenizers#fromVocab} applies llama.cpp's
 * per-model defaults.
 *
 * <p>The arrays are taken over, not copied (vocabularies are large): do not modify them afterwards.
 *
 * @param model        {@code tokenizer.ggml.model}: "llama", "gpt2" or "bert"
 * @param pre          {@code tokenizer.ggml.pre}, the BPE pre-tokenizer name; null when absent
 * @param tokens       {@code tokenizer.ggml.tokens}, the token texts by id
 * @param scores       {@code tokenizer.ggml.scores}, or null
 * @param tokenTypes   {@code tokenizer.ggml.token_type} (1 normal, 2 unknown, 3 control, 4 user-defined,
 *                     5 unused, 6 byte), or null (all normal)
 * @param merges       {@code tokenizer.ggml.merges} ("left right", rank = index), or null
 * @param specialIds   the special-token ids the metadata states
 * @param flags        the boolean settings the metadata states
 * @param modelName    {@code general.name} (a few llama.cpp token-attribute fixes key on it), or null
 * @param architecture {@code general.architecture}, or null
 */
public record VocabData(String model, String pre, String[] tokens, float[] scores, int[] tokenTypes,
                        String[] merges, Map<SpecialToken, Integer> specialIds, Map<VocabFlag, Boolean> flags,
                        String modelName, String architecture) {

    public VocabData {
        Objects.requireNonNull(model, "tokenizer model");
        Objects.requireNonNull(tokens, "tokens");
        specialIds = specialIds == null || specialIds.isEmpty()
                ? Map.of() : Map.copyOf(new EnumMap<>(specialIds));
        flags = flags == null || flags.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(flags));
    }

    /** A vocabulary with no special ids, flags or model name stated. */
    public static VocabData of(String model, String pre, String[] tokens, float[] scores, int[] tokenTypes,
                               String[] merges) {
        return new VocabData(model, pre, tokens, scores, tokenTypes, merges, Map.of(), Map.of(), null, null);
    }

    public VocabData withSpecialId(SpecialToken kind, int id) {
        Map<SpecialToken, Integer> m = new EnumMap<>(SpecialToken.class);
        m.putAll(specialIds);
        m.put(kind, id);
        return new VocabData(model, pre, tokens, scores, tokenTypes, merges, m, flags, modelName, architecture);
    }

    public VocabData withFlag(VocabFlag flag, boolean value) {
        Map<VocabFlag, Boolean> m = new EnumMap<>(VocabFlag.class);
        m.putAll(flags);
        m.put(flag, value);
        return new VocabData(model, pre, tokens, scores, tokenTypes, merges, specialIds, m, modelName, architecture);
    }

    public VocabData withModelInfo(String name, String arch) {
        return new VocabData(model, pre, tokens, scores, tokenTypes, merges, specialIds, flags, name, arch);
    }

    @Override
    public String toString() {
        return "VocabData[model=" + model + ", pre=" + pre + ", tokens=" + tokens.length
                + ", merges=" + (merges == null ? 0 : merges.length) + ", specialIds=" + specialIds
                + ", flags=" + flags + ", modelName=" + modelName + "]";
    }
}

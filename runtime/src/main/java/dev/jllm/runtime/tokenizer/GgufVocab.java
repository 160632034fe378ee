package dev.jllm.runtime.tokenizer;

import dev.jllm.models.ModelFormatException;
import dev.jllm.models.gguf.GgufFile;

import java.util.EnumMap;
import java.util.Map;

/** Reads the {@code tokenizer.ggml.*} metadata of a GGUF file into {@link VocabData}. */
final class GgufVocab {
    private GgufVocab() {
    }

    static VocabData read(GgufFile gguf) {
        String model = gguf.string("tokenizer.ggml.model")
                .orElseThrow(() -> new ModelFormatException(gguf.path() + ": no tokenizer (tokenizer.ggml.model is missing)"));
        String[] tokens = gguf.strings("tokenizer.ggml.tokens");
        if (tokens == null) {
            throw new ModelFormatException(gguf.path() + ": no vocabulary (tokenizer.ggml.tokens is missing)");
        }
        Map<SpecialToken, Integer> ids = new EnumMap<>(SpecialToken.class);
        for (SpecialToken kind : SpecialToken.values()) {
            for (String key : kind.ggufKeys()) {
                long id = gguf.longValue(key, -1);
                // ids outside int range (e.g. u32 0xFFFFFFFF for "none") are as invalid as ids past the
                // vocabulary: llama.cpp keeps the default for both
                if (gguf.has(key) && id >= 0 && id <= Integer.MAX_VALUE) {
                    ids.put(kind, (int) id);
                }
            }
        }
        Map<VocabFlag, Boolean> flags = new EnumMap<>(VocabFlag.class);
        for (VocabFlag flag : VocabFlag.values()) {
            if (gguf.has(flag.ggufKey())) {
                flags.put(flag, gguf.bool(flag.ggufKey(), false));
            }
        }
        return new VocabData(model, gguf.string("tokenizer.ggml.pre").orElse(null), tokens,
                gguf.floats("tokenizer.ggml.scores"), gguf.ints("tokenizer.ggml.token_type"),
                gguf.strings("tokenizer.ggml.merges"), ids, flags,
                gguf.string("general.name").orElse(null), gguf.string("general.architecture").orElse(null));
    }
}

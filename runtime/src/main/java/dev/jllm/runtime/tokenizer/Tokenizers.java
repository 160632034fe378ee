package dev.jllm.runtime.tokenizer;

import dev.jllm.models.ModelFormatException;
import dev.jllm.models.gguf.GgufFile;

/** Builds {@link Tokenizer}s. */
public final class Tokenizers {
    private Tokenizers() {
    }

    /**
     * The tokenizer described by a GGUF file's {@code tokenizer.ggml.*} metadata. The file may be closed
     * afterwards: the tokenizer keeps no reference to it.
     *
     * @throws ModelFormatException when the metadata is missing, malformed or names an unsupported tokenizer
     */
    public static Tokenizer fromGguf(GgufFile gguf) {
        return fromVocab(GgufVocab.read(gguf));
    }

    /** The raw vocabulary data a GGUF file holds, for callers that want to inspect or adapt it. */
    public static VocabData vocabData(GgufFile gguf) {
        return GgufVocab.read(gguf);
    }

    /**
     * The tokenizer for vocabulary data from any source; absent settings take llama.cpp's defaults for the
     * tokenizer model.
     *
     * @throws ModelFormatException when the data are inconsistent or name an unsupported tokenizer
     */
    public static Tokenizer fromVocab(VocabData data) {
        return new GgmlTokenizer(VocabularyResolver.resolve(data));
    }
}

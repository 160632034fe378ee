package dev.jllm.runtime.model;

import dev.jllm.models.ModelFormatException;

/**
 * How an encoder's per-token hidden states become one text embedding: llama.cpp's {@code llama_pooling_type}, whose
 * numbers the GGUF key {@code <arch>.pooling_type} holds.
 */
public enum Pooling {
    /** 0: no pooling (one vector per token); a text embedding cannot be made from it. */
    NONE,
    /** 1: the average of all the tokens' states, [CLS] and [SEP] included. */
    MEAN,
    /** 2: the state of the first token ([CLS]). */
    CLS,
    /** 3: the state of the last token. */
    LAST,
    /** 4: a reranker's relevance score through its classification head. */
    RANK;

    /** The pooling numbered {@code code} in GGUF metadata. */
    public static Pooling of(int code) {
        Pooling[] all = values();
        if (code < 0 || code >= all.length) {
            throw new ModelFormatException("unknown pooling_type " + code + " (known: 0 none, 1 mean, 2 cls, 3 last, 4 rank)");
        }
        return all[code];
    }

    /** The name llama.cpp's {@code --pooling} option takes. */
    public String cliName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}

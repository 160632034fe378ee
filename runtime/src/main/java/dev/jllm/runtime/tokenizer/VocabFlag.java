package dev.jllm.runtime.tokenizer;

/** Boolean tokenizer settings a vocabulary may state; absent ones take llama.cpp's per-model defaults. */
public enum VocabFlag {
    ADD_BOS("tokenizer.ggml.add_bos_token"),
    ADD_EOS("tokenizer.ggml.add_eos_token"),
    ADD_SEP("tokenizer.ggml.add_sep_token"),
    ADD_SPACE_PREFIX("tokenizer.ggml.add_space_prefix"),
    /** Kept as data only: llama.cpp applies it to Unigram (T5) tokenizers, which jllm does not implement. */
    REMOVE_EXTRA_WHITESPACES("tokenizer.ggml.remove_extra_whitespaces"),
    NORMALIZER_LOWERCASE("tokenizer.ggml.normalizer.lowercase"),
    NORMALIZER_STRIP_ACCENTS("tokenizer.ggml.normalizer.strip_accents");

    private final String ggufKey;

    VocabFlag(String ggufKey) {
        this.ggufKey = ggufKey;
    }

    public String ggufKey() {
        return ggufKey;
    }
}

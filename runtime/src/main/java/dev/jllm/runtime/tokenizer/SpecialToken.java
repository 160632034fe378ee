package dev.jllm.runtime.tokenizer;

import java.util.List;

/** The special-token roles a vocabulary can name, with the GGUF keys that carry their ids. */
public enum SpecialToken {
    BOS("tokenizer.ggml.bos_token_id"),
    EOS("tokenizer.ggml.eos_token_id"),
    EOT("tokenizer.ggml.eot_token_id"),
    EOM("tokenizer.ggml.eom_token_id"),
    UNK("tokenizer.ggml.unknown_token_id"),
    /** The GGUF key really is spelled "seperator". */
    SEP("tokenizer.ggml.seperator_token_id"),
    PAD("tokenizer.ggml.padding_token_id"),
    MASK("tokenizer.ggml.mask_token_id"),
    FIM_PRE("tokenizer.ggml.fim_pre_token_id", "tokenizer.ggml.prefix_token_id"),
    FIM_SUF("tokenizer.ggml.fim_suf_token_id", "tokenizer.ggml.suffix_token_id"),
    FIM_MID("tokenizer.ggml.fim_mid_token_id", "tokenizer.ggml.middle_token_id"),
    FIM_PAD("tokenizer.ggml.fim_pad_token_id"),
    FIM_REP("tokenizer.ggml.fim_rep_token_id"),
    FIM_SEP("tokenizer.ggml.fim_sep_token_id");

    private final List<String> ggufKeys;

    SpecialToken(String... ggufKeys) {
        this.ggufKeys = List.of(ggufKeys);
    }

    /**
     * The GGUF keys holding this id, current name first; a later (deprecated) key that is present overrides
     * an earlier one, as llama.cpp reads them in this order.
     */
    public List<String> ggufKeys() {
        return ggufKeys;
    }
}

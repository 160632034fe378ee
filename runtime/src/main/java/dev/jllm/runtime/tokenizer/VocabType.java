package dev.jllm.runtime.tokenizer;

/** The tokenization algorithm, chosen by {@code tokenizer.ggml.model}. */
public enum VocabType {
    /** {@code llama}: SentencePiece-style BPE driven by token scores, with byte fallback. */
    SPM,
    /** {@code gpt2}: byte-level BPE driven by merge ranks, after a regex pre-tokenizer. */
    BPE,
    /** {@code bert}: WordPiece, greedy longest match. */
    WPM
}

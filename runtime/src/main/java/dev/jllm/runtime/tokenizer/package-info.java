/**
 * Tokenizers that behave exactly like llama.cpp's for the same GGUF vocabulary (checked against llama.cpp's
 * own tokenizer test vectors).
 *
 * <p>Entry points: {@link dev.jllm.runtime.tokenizer.Tokenizers#fromGguf} (a GGUF file's
 * {@code tokenizer.ggml.*} metadata) and {@link dev.jllm.runtime.tokenizer.Tokenizers#fromVocab} (a
 * {@link dev.jllm.runtime.tokenizer.VocabData} from any source, e.g. a Hugging Face tokenizer.json). Both give a
 * {@link dev.jllm.runtime.tokenizer.Tokenizer}; generation decodes through a
 * {@link dev.jllm.runtime.tokenizer.StreamingDecoder}.
 *
 * <p>How encoding flows: {@code VocabularyResolver} applies llama.cpp's per-model defaults and fix-ups to the raw
 * data, giving a {@code Vocabulary}. {@code GgmlTokenizer.encode} cuts special-token text out first
 * ({@code SpecialTokenSplitter}), then runs one algorithm on the text between:
 * <ul>
 *   <li>{@code llama}: {@code SpmEncoder}, score-driven merging with byte fallback;</li>
 *   <li>{@code gpt2}: a {@code PreTokenizer} (stages of {@code Gpt2Splitter}, {@code Gpt4Splitter},
 *       {@code RegexSplitter}, {@code NewlineSplitter}, chosen by {@code tokenizer.ggml.pre} in
 *       {@code PreTokenizers}) then {@code BpeEncoder}, rank-driven merging over {@code BpeMerges};</li>
 *   <li>{@code bert}: {@code WordPieceEncoder}.</li>
 * </ul>
 * Decoding concatenates {@code TokenPieces} (bytes per token) and assembles UTF-8 ({@code Utf8Assembler}).
 *
 * <p>Not implemented (a clear error names them): Unigram/T5, RWKV, PLaMo-2 vocabularies and the kimi-k2,
 * afmoe, tiny_aya, superbpe, gemma4, sarvam-moe and whitespace pre-tokenizers.
 */
package dev.jllm.runtime.tokenizer;

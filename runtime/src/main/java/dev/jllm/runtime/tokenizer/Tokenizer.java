package dev.jllm.runtime.tokenizer;

/**
 * Text to token ids and back, behaving like llama.cpp for the same vocabulary. Instances are immutable and
 * thread-safe. Token ids are {@code 0 <= id < vocabSize()}; methods returning a special id return -1 when
 * the vocabulary has none.
 */
public interface Tokenizer {

    VocabType type();

    int vocabSize();

    /**
     * Tokenizes text (llama_tokenize).
     *
     * @param addSpecial   add BOS / EOS (BERT: CLS / SEP) as the vocabulary's settings ask
     * @param parseSpecial recognise the text of control tokens (e.g. {@code <|im_end|>}) as those tokens;
     *                     user-defined tokens are always recognised, as in llama.cpp
     */
    int[] encode(String text, boolean addSpecial, boolean parseSpecial);

    /**
     * The text of the tokens, piece after piece, with nothing stripped or cleaned, special (control/unknown)
     * tokens rendering as nothing. This is what streaming generation produces, so it equals the
     * concatenation of a {@link StreamingDecoder}'s output. Bytes that are not valid UTF-8 become U+FFFD.
     */
    String decode(int[] ids);

    /** As {@link #decode(int[])}, optionally rendering special tokens as their text. */
    String decode(int[] ids, boolean renderSpecial);

    /**
     * llama.cpp's llama_detokenize: like decode, but SentencePiece vocabularies drop the leading space of the
     * first token unless the sequence starts with BOS, BOS/EOS are removed when {@code removeSpecial} and the
     * vocabulary adds them, and vocabularies with clean_up_tokenization_spaces remove spaces before
     * {@code ?!.,} and some contractions.
     */
    String detokenize(int[] ids, boolean removeSpecial, boolean unparseSpecial);

    /** The bytes the token contributes to {@link #decode(int[])} (empty for special tokens). */
    byte[] tokenBytes(int id);

    /** The bytes of a token, rendering special tokens as their text when asked. */
    byte[] tokenBytes(int id, boolean renderSpecial);

    /** The token's text as stored in the vocabulary (e.g. "▁Hello", "Ġworld", "<0x0A>"). */
    String tokenText(int id);

    /** The token whose vocabulary text is exactly {@code text}, or -1. */
    int tokenId(String text);

    float tokenScore(int id);

    /** Control tokens (BOS, EOS, chat markers...) are not text and decode to nothing by default. */
    boolean isControl(int id);

    boolean isEndOfGeneration(int id);

    /** The id of a special token as resolved from the metadata and llama.cpp's defaults, or -1. */
    int specialId(SpecialToken kind);

    int bos();

    int eos();

    int eot();

    int eom();

    int unk();

    int sep();

    int pad();

    /** Whether {@code encode(text, true, ...)} starts with BOS (BERT: CLS). */
    boolean addsBos();

    /** Whether {@code encode(text, true, ...)} ends with EOS (BERT: SEP). */
    boolean addsEos();

    /** A decoder for one generated sequence: token ids in, complete UTF-8 characters out. */
    StreamingDecoder newStreamingDecoder(boolean renderSpecial);

    /**
     * A decoder that writes the text of the special tokens {@code rendered} accepts: the markers of tool calls and
     * the like ({@code [TOOL_CALLS]}, {@code <|python_tag|>}), which a parser must see, as llama.cpp's "preserved
     * tokens".
     */
    default StreamingDecoder newStreamingDecoder(java.util.function.IntPredicate rendered) {
        return new StreamingDecoder(this, rendered);
    }

    default StreamingDecoder newStreamingDecoder() {
        return newStreamingDecoder(false);
    }
}

package dev.jllm.runtime.tokenizer;

/**
 * Turns generated tokens into text as they arrive. A character whose UTF-8 bytes are split across tokens
 * (SentencePiece byte fallback, byte-level BPE) is held back until its last byte arrives, so callers never
 * see half a character; a sequence that can no longer complete becomes U+FFFD. Not thread-safe: one per
 * sequence.
 */
public final class StreamingDecoder {
    private final Tokenizer tokenizer;
    private final java.util.function.IntPredicate renderSpecial;
    private final Utf8Assembler assembler = new Utf8Assembler();
    private final StringBuilder out = new StringBuilder();

    StreamingDecoder(Tokenizer tokenizer, boolean renderSpecial) {
        this(tokenizer, id -> renderSpecial);
    }

    /** @param renderSpecial which special tokens are written as their text (others contribute nothing) */
    StreamingDecoder(Tokenizer tokenizer, java.util.function.IntPredicate renderSpecial) {
        this.tokenizer = tokenizer;
        this.renderSpecial = renderSpecial;
    }

    /** Feeds one token; returns the characters it completes (possibly empty). */
    public String accept(int id) {
        out.setLength(0);
        for (byte b : tokenizer.tokenBytes(id, renderSpecial.test(id))) {
            assembler.accept(b, out);
        }
        return out.toString();
    }

    /** True while the bytes of an unfinished character are held back. */
    public boolean hasPendingBytes() {
        return assembler.hasPending();
    }

    /** End of the sequence: returns U+FFFD for an unfinished character, or "". */
    public String finish() {
        out.setLength(0);
        assembler.finish(out);
        return out.toString();
    }
}

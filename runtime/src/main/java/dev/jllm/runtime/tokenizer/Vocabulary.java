package dev.jllm.runtime.tokenizer;

import java.util.BitSet;
import java.util.Map;

/**
 * A vocabulary with every llama.cpp default and fix-up applied (see {@link VocabularyResolver}): token texts,
 * scores and attributes, the special ids, the settings, and the lookup structures the encoders share.
 * Immutable; shared by all encode and decode calls.
 */
final class Vocabulary {
    static final int NONE = -1;

    final VocabType type;
    final PreTokenizer preTokenizer;          // BPE only
    final BpeMerges merges;                   // BPE only
    final String[] text;
    final float[] scores;
    final int[] attrs;
    final Map<String, Integer> ids;
    /** Longest token text, in UTF-16 chars (WordPiece's match window). */
    final int maxTokenChars;
    /** Token of each byte value for SentencePiece byte fallback ("<0xXX>" or the one-character token), or NONE. */
    final int[] byteTokens;

    final int bos;
    final int eos;
    final int eot;
    final int eom;
    final int unk;
    final int sep;
    final int pad;
    final int mask;
    final int fimPre;
    final int fimSuf;
    final int fimMid;
    final int fimPad;
    final int fimRep;
    final int fimSep;

    final boolean addSpacePrefix;
    final boolean addBos;
    final boolean addEos;
    final boolean addSep;
    final boolean ignoreMerges;
    final boolean cleanSpaces;
    final boolean lowercase;
    final boolean stripAccents;

    /** Control, user-defined and unknown tokens, longest text first: the order special text is matched in. */
    final int[] specialTokens;
    final BitSet endOfGeneration;
    /** Bytes each token renders to when special tokens are rendered (llama.cpp's token-to-piece cache). */
    final byte[][] pieces;

    Vocabulary(VocabularyResolver r) {
        type = r.type;
        preTokenizer = r.preTokenizer;
        merges = r.merges;
        text = r.text;
        scores = r.scores;
        attrs = r.attrs;
        ids = r.ids;
        maxTokenChars = r.maxTokenChars;
        byteTokens = r.byteTokens;
        bos = r.bos;
        eos = r.eos;
        eot = r.eot;
        eom = r.eom;
        unk = r.unk;
        sep = r.sep;
        pad = r.pad;
        mask = r.mask;
        fimPre = r.fimPre;
        fimSuf = r.fimSuf;
        fimMid = r.fimMid;
        fimPad = r.fimPad;
        fimRep = r.fimRep;
        fimSep = r.fimSep;
        addSpacePrefix = r.addSpacePrefix;
        addBos = r.addBos;
        addEos = r.addEos;
        addSep = r.addSep;
        ignoreMerges = r.ignoreMerges;
        cleanSpaces = r.cleanSpaces;
        lowercase = r.lowercase;
        stripAccents = r.stripAccents;
        specialTokens = r.specialTokens;
        endOfGeneration = r.endOfGeneration;
        pieces = r.pieces;
    }

    int size() {
        return text.length;
    }

    boolean has(int id, int attr) {
        return (attrs[id] & attr) != 0;
    }

    /** The token whose text is exactly {@code s}, or NONE. */
    int id(String s) {
        Integer id = ids.get(s);
        return id == null ? NONE : id;
    }
}

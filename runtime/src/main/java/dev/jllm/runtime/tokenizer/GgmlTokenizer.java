package dev.jllm.runtime.tokenizer;

import dev.jllm.models.ModelFormatException;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;

import static dev.jllm.runtime.tokenizer.Vocabulary.NONE;

/**
 * The tokenizer for a GGUF-style vocabulary: special-token splitting, then SentencePiece BPE, byte-level BPE or
 * WordPiece on the text in between, with BOS/EOS added as llama.cpp's llama_vocab::tokenize does.
 */
final class GgmlTokenizer implements Tokenizer {
    private static final char SPM_SPACE = '\u2581';
    private static final byte[] EMPTY = new byte[0];

    private final Vocabulary v;
    private final SpecialTokenSplitter specials;
    private final SpmEncoder spm;
    private final BpeEncoder bpe;
    private final WordPieceEncoder wpm;

    GgmlTokenizer(Vocabulary v) {
        this.v = v;
        this.specials = new SpecialTokenSplitter(v);
        this.spm = v.type == VocabType.SPM ? new SpmEncoder(v) : null;
        this.bpe = v.type == VocabType.BPE ? new BpeEncoder(v) : null;
        this.wpm = v.type == VocabType.WPM ? new WordPieceEncoder(v) : null;
    }

    @Override
    public VocabType type() {
        return v.type;
    }

    @Override
    public int vocabSize() {
        return v.size();
    }

    @Override
    public int[] encode(String text, boolean addSpecial, boolean parseSpecial) {
        List<SpecialTokenSplitter.Fragment> fragments = specials.split(text, parseSpecial);
        IntList out = new IntList(Math.max(16, text.length() / 3));
        switch (v.type) {
            case SPM -> encodeSpm(text, fragments, addSpecial, out);
            case BPE -> {
                if (addSpecial && v.addBos) {
                    out.add(require(v.bos, "BOS"));
                }
                for (SpecialTokenSplitter.Fragment f : fragments) {
                    if (f.isText()) {
                        bpe.encode(text.substring(f.start(), f.end()), out);
                    } else {
                        out.add(f.token());
                    }
                }
                if (addSpecial && v.addEos) {
                    out.add(require(v.eos, "EOS"));
                }
            }
            case WPM -> {
                if (addSpecial) {
                    out.add(require(v.bos, "BOS (CLS)"));
                }
                for (SpecialTokenSplitter.Fragment f : fragments) {
                    if (f.isText()) {
                        wpm.encode(text.substring(f.start(), f.end()), out);
                    } else {
                        out.add(f.token());
                    }
                }
                if (addSpecial) {
                    out.add(require(v.sep, "SEP"));
                }
            }
        }
        return out.toArray();
    }

    /**
     * SentencePiece: a space is put before the first text and before any text that follows a special token
     * (when add_space_prefix), then spaces are escaped as U+2581.
     */
    private void encodeSpm(String text, List<SpecialTokenSplitter.Fragment> fragments, boolean addSpecial,
                           IntList out) {
        if (addSpecial && v.addBos) {
            out.add(require(v.bos, "BOS"));
        }
        boolean afterSpecial = true;
        for (SpecialTokenSplitter.Fragment f : fragments) {
            if (f.isText()) {
                String piece = text.substring(f.start(), f.end());
                if (v.addSpacePrefix && afterSpecial) {
                    piece = " " + piece;
                }
                spm.encode(piece.replace(' ', SPM_SPACE), out);
                afterSpecial = false;
            } else {
                out.add(f.token());
                afterSpecial = true;
            }
        }
        if (addSpecial && v.addEos) {
            out.add(require(v.eos, "EOS"));
        }
    }

    private static int require(int id, String what) {
        if (id == NONE) {
            throw new ModelFormatException("the tokenizer settings ask to add " + what
                    + " but the vocabulary has no such token");
        }
        return id;
    }

    @Override
    public String decode(int[] ids) {
        return decode(ids, false);
    }

    @Override
    public String decode(int[] ids, boolean renderSpecial) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(ids.length * 4);
        for (int id : ids) {
            bytes.writeBytes(tokenBytes(id, renderSpecial));
        }
        return Utf8.decode(bytes.toByteArray());
    }

    @Override
    public String detokenize(int[] ids, boolean removeSpecial, boolean unparseSpecial) {
        int from = 0;
        int to = ids.length;
        boolean removeSpace = v.addSpacePrefix;
        if (removeSpecial && v.addBos && to > 0 && ids[0] == v.bos) {
            removeSpace = false;
            from++;
        }
        if (removeSpecial && v.addEos && to > from && ids[to - 1] == v.eos) {
            to--;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream((to - from) * 4);
        for (int i = from; i < to; i++) {
            byte[] piece = tokenBytes(ids[i], unparseSpecial);
            int skip = removeSpace && piece.length > 0 && piece[0] == ' ' ? 1 : 0;
            bytes.write(piece, skip, piece.length - skip);
            removeSpace = false;
        }
        byte[] text = bytes.toByteArray();
        int length = text.length;
        if (v.cleanSpaces) {
            length = SpaceCleanup.apply(text, length);
        }
        return Utf8.decode(text, 0, length);
    }

    @Override
    public byte[] tokenBytes(int id) {
        return tokenBytes(id, false);
    }

    @Override
    public byte[] tokenBytes(int id, boolean renderSpecial) {
        check(id);
        if (!renderSpecial && v.has(id, TokenAttr.UNKNOWN | TokenAttr.CONTROL)) {
            return EMPTY;
        }
        byte[] piece = v.pieces[id];
        return piece.length == 0 ? EMPTY : Arrays.copyOf(piece, piece.length);
    }

    @Override
    public String tokenText(int id) {
        check(id);
        return v.text[id];
    }

    @Override
    public int tokenId(String text) {
        return v.id(text);
    }

    @Override
    public float tokenScore(int id) {
        check(id);
        return v.scores[id];
    }

    @Override
    public boolean isControl(int id) {
        check(id);
        return v.has(id, TokenAttr.CONTROL);
    }

    @Override
    public boolean isEndOfGeneration(int id) {
        return id >= 0 && id < v.size() && v.endOfGeneration.get(id);
    }

    @Override
    public int specialId(SpecialToken kind) {
        return switch (kind) {
            case BOS -> v.bos;
            case EOS -> v.eos;
            case EOT -> v.eot;
            case EOM -> v.eom;
            case UNK -> v.unk;
            case SEP -> v.sep;
            case PAD -> v.pad;
            case MASK -> v.mask;
            case FIM_PRE -> v.fimPre;
            case FIM_SUF -> v.fimSuf;
            case FIM_MID -> v.fimMid;
            case FIM_PAD -> v.fimPad;
            case FIM_REP -> v.fimRep;
            case FIM_SEP -> v.fimSep;
        };
    }

    @Override
    public int bos() {
        return v.bos;
    }

    @Override
    public int eos() {
        return v.eos;
    }

    @Override
    public int eot() {
        return v.eot;
    }

    @Override
    public int eom() {
        return v.eom;
    }

    @Override
    public int unk() {
        return v.unk;
    }

    @Override
    public int sep() {
        return v.sep;
    }

    @Override
    public int pad() {
        return v.pad;
    }

    @Override
    public boolean addsBos() {
        return v.type == VocabType.WPM || v.addBos;
    }

    @Override
    public boolean addsEos() {
        return v.type == VocabType.WPM || v.addEos;
    }

    @Override
    public StreamingDecoder newStreamingDecoder(boolean renderSpecial) {
        return new StreamingDecoder(this, renderSpecial);
    }

    private void check(int id) {
        if (id < 0 || id >= v.size()) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary (0.." + (v.size() - 1) + ")");
        }
    }

    @Override
    public String toString() {
        return "Tokenizer[" + v.type + (v.preTokenizer != null ? "/" + v.preTokenizer.name() : "") + ", "
                + v.size() + " tokens]";
    }
}

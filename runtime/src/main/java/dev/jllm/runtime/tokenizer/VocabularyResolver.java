package dev.jllm.runtime.tokenizer;

import dev.jllm.models.ModelFormatException;

import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static dev.jllm.runtime.tokenizer.Vocabulary.NONE;

/**
 * Turns raw {@link VocabData} into a {@link Vocabulary}, step by step in the order llama.cpp's vocabulary loader
 * applies them: per-model defaults, pre-tokenizer settings, metadata overrides, special-token detection by
 * text, end-of-generation set, special-token match order, rendered pieces, strip attributes.
 */
final class VocabularyResolver {
    /** Texts llama.cpp recognises as end-of-turn tokens when the metadata names none, in preference order. */
    private static final List<String> EOT_TEXTS = List.of("<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>",
            "<|endoftext|>", "<|end_of_text|>", "<EOT>", "_<EOT>", "[EOT]", "<\uFF5Cend\u2581of\u2581sentence\uFF5C>",
            "<end_of_utterance>");
    private static final List<String> EOM_TEXTS = List.of("<|eom_id|>");
    private static final List<String> FIM_PRE_TEXTS = List.of("<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>",
            "<\uFF5Cfim\u2581begin\uFF5C>", "<PRE>", "\u2581<PRE>", "<|code_prefix|>", "<|prefix|>");
    private static final List<String> FIM_SUF_TEXTS = List.of("<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>",
            "<\uFF5Cfim\u2581hole\uFF5C>", "<SUF>", "\u2581<SUF>", "<|code_suffix|>", "<|suffix|>");
    private static final List<String> FIM_MID_TEXTS = List.of("<|fim_middle|>", "<fim-middle>", "<fim_middle>",
            "<\uFF5Cfim\u2581end\uFF5C>", "<MID>", "\u2581<MID>", "<|code_middle|>", "<|middle|>");
    private static final List<String> FIM_PAD_TEXTS = List.of("<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>",
            "[PAD]");
    private static final List<String> FIM_REP_TEXTS = List.of("<|fim_repo|>", "<|repo_name|>", "<fim-repo>",
            "<REPO>", "<reponame>");
    private static final List<String> FIM_SEP_TEXTS = List.of("<|file_sep|>");
    /** Texts that end generation (llama.cpp's list; EOS/EOT/EOM and FIM pad/repo/sep are added besides). */
    private static final Set<String> EOG_TEXTS = Set.of("<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>",
            "<|call|>", "<|flush|>", "<|calls|>", "<end_of_turn>", "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>",
            "_<EOT>", "[EOT]", "[EOS]", "<|end_of_text|>", "<end_of_utterance>", "<eos>", "<turn|>",
            "<|tool_response>", "<\uFF5Cend\u2581of\u2581sentence\uFF5C>", "[e~[");
    /** gpt-oss tokens llama.cpp always renders. */
    private static final Set<String> ALWAYS_RENDERED = Set.of("<|channel|>", "<|message|>", "<|start|>",
            "<|constrain|>");

    final VocabData data;
    VocabType type;
    PreTokenizer preTokenizer;
    BpeMerges merges;
    String[] text;
    float[] scores;
    int[] attrs;
    Map<String, Integer> ids;
    int maxTokenChars;
    int[] byteTokens;

    int bos = NONE;
    int eos = NONE;
    int eot = NONE;
    int eom = NONE;
    int unk = NONE;
    int sep = NONE;
    int pad = NONE;
    int mask = NONE;
    int fimPre = NONE;
    int fimSuf = NONE;
    int fimMid = NONE;
    int fimPad = NONE;
    int fimRep = NONE;
    int fimSep = NONE;

    boolean addSpacePrefix;
    boolean addBos;
    boolean addEos;
    boolean addSep;
    boolean ignoreMerges;
    boolean cleanSpaces;
    boolean lowercase;
    boolean stripAccents;

    int[] specialTokens;
    BitSet endOfGeneration;
    byte[][] pieces;

    private VocabularyResolver(VocabData data) {
        this.data = data;
    }

    static Vocabulary resolve(VocabData data) {
        VocabularyResolver r = new VocabularyResolver(data);
        r.modelDefaults();
        r.tokens();
        r.specialIds();
        r.flags();
        r.detectSpecialTokens();
        r.endOfGeneration();
        r.specialTokenOrder();
        r.pieces = TokenPieces.renderAll(r);
        r.stripAttributes();
        r.lookupTables();
        return new Vocabulary(r);
    }

    private void modelDefaults() {
        switch (data.model()) {
            case "llama" -> {
                type = VocabType.SPM;
                bos = 1;
                eos = 2;
                unk = 0;
                addSpacePrefix = true;
                addBos = true;
            }
            case "bert" -> {
                type = VocabType.WPM;
                bos = 101;
                unk = 100;
                sep = 102;
                pad = 0;
                mask = 103;
                addBos = true;
                addSep = true;
                cleanSpaces = true;
            }
            case "gpt2" -> {
                type = VocabType.BPE;
                if (data.merges() == null) {
                    throw new ModelFormatException("BPE vocabulary without merges (tokenizer.ggml.merges)");
                }
                preTokenizer = PreTokenizers.forName(data.pre());
                bos = preTokenizer.noBos() ? NONE : 11;
                eos = 11;
                cleanSpaces = preTokenizer.cleanSpaces();
                ignoreMerges = preTokenizer.ignoreMerges();
                addBos = preTokenizer.addBos();
                addSep = preTokenizer.addSep();
            }
            default -> throw new ModelFormatException("unsupported tokenizer model '" + data.model()
                    + "' (tokenizer.ggml.model); supported: llama (SentencePiece BPE), gpt2 (byte-level BPE), bert (WordPiece)");
        }
        addSpacePrefix = flag(VocabFlag.ADD_SPACE_PREFIX, addSpacePrefix);
    }

    private void tokens() {
        String[] raw = data.tokens();
        int n = raw.length;
        if (n == 0) {
            throw new ModelFormatException("the vocabulary has no tokens (tokenizer.ggml.tokens is empty)");
        }
        if (data.scores() != null && data.scores().length < n) {
            throw new ModelFormatException("tokenizer.ggml.scores has " + data.scores().length + " entries for "
                    + n + " tokens");
        }
        if (data.tokenTypes() != null && data.tokenTypes().length < n) {
            throw new ModelFormatException("tokenizer.ggml.token_type has " + data.tokenTypes().length
                    + " entries for " + n + " tokens");
        }
        text = new String[n];
        scores = new float[n];
        attrs = new int[n];
        ids = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            String word = raw[i] == null || raw[i].isEmpty() ? "[EMPTY_" + i + "]" : raw[i];
            text[i] = word;
            ids.put(word, i);
            maxTokenChars = Math.max(maxTokenChars, word.length());
            scores[i] = data.scores() == null ? 0f : data.scores()[i];
            attrs[i] = data.tokenTypes() == null ? TokenAttr.NORMAL : TokenAttr.fromTokenType(data.tokenTypes()[i]);
        }
    }

    private void specialIds() {
        bos = specialId(SpecialToken.BOS, bos);
        eos = specialId(SpecialToken.EOS, eos);
        eot = specialId(SpecialToken.EOT, eot);
        eom = specialId(SpecialToken.EOM, eom);
        unk = specialId(SpecialToken.UNK, unk);
        sep = specialId(SpecialToken.SEP, sep);
        pad = specialId(SpecialToken.PAD, pad);
        mask = specialId(SpecialToken.MASK, mask);
        fimPre = specialId(SpecialToken.FIM_PRE, fimPre);
        fimSuf = specialId(SpecialToken.FIM_SUF, fimSuf);
        fimMid = specialId(SpecialToken.FIM_MID, fimMid);
        fimPad = specialId(SpecialToken.FIM_PAD, fimPad);
        fimRep = specialId(SpecialToken.FIM_REP, fimRep);
        fimSep = specialId(SpecialToken.FIM_SEP, fimSep);
    }

    /** A default outside the vocabulary is dropped; a stated id outside it is ignored (the default stays). */
    private int specialId(SpecialToken kind, int dflt) {
        int id = dflt >= text.length ? NONE : dflt;
        Integer stated = data.specialIds().get(kind);
        if (stated != null && stated >= 0 && stated < text.length) {
            id = stated;
        }
        return id;
    }

    private void flags() {
        addBos = flag(VocabFlag.ADD_BOS, addBos);
        addEos = flag(VocabFlag.ADD_EOS, addEos);
        addSep = flag(VocabFlag.ADD_SEP, addSep);
        lowercase = flag(VocabFlag.NORMALIZER_LOWERCASE, true);
        stripAccents = flag(VocabFlag.NORMALIZER_STRIP_ACCENTS, lowercase);
    }

    private boolean flag(VocabFlag f, boolean dflt) {
        Boolean v = data.flags().get(f);
        return v == null ? dflt : v;
    }

    /**
     * Finds EOT, EOM and FIM tokens by their text when the metadata names none, and marks them CONTROL.
     * llama.cpp takes the first candidate its hash map yields (an unspecified order); we take the first in
     * its list order, which prefers the turn markers ("<|end|>", "<|im_end|>") over "<|endoftext|>".
     */
    private void detectSpecialTokens() {
        eot = detect(eot, EOT_TEXTS);
        eom = detect(eom, EOM_TEXTS);
        fimPre = detect(fimPre, FIM_PRE_TEXTS);
        fimSuf = detect(fimSuf, FIM_SUF_TEXTS);
        fimMid = detect(fimMid, FIM_MID_TEXTS);
        fimPad = detect(fimPad, FIM_PAD_TEXTS);
        fimRep = detect(fimRep, FIM_REP_TEXTS);
        fimSep = detect(fimSep, FIM_SEP_TEXTS);
        // control tokens named "unused" are unused (conversions should say so, many do not)
        for (int id = 0; id < text.length; id++) {
            if ((attrs[id] & TokenAttr.CONTROL) != 0 && text[id].contains("unused")) {
                attrs[id] |= TokenAttr.UNUSED;
            }
        }
    }

    private int detect(int current, List<String> candidates) {
        if (current != NONE) {
            return current;
        }
        for (String candidate : candidates) {
            Integer id = ids.get(candidate);
            if (id != null) {
                return markControl(id);
            }
        }
        return NONE;
    }

    private int markControl(int id) {
        attrs[id] |= TokenAttr.CONTROL;
        return id;
    }

    private void endOfGeneration() {
        BitSet eog = new BitSet(text.length);
        for (int id : new int[] {fimPad, fimRep, fimSep}) {
            if (id != NONE) {
                eog.set(id);
            }
        }
        for (int id = 0; id < text.length; id++) {
            if (EOG_TEXTS.contains(text[id])) {
                eog.set(id);
                attrs[id] |= TokenAttr.CONTROL;
            }
        }
        for (int id = 0; id < text.length; id++) {
            if (ALWAYS_RENDERED.contains(text[id])) {
                attrs[id] = TokenAttr.USER_DEFINED;
            }
        }
        for (int id : new int[] {eos, eot, eom}) {
            if (id != NONE) {
                eog.set(id);
            }
        }
        // o200k_harmony / solar-open: "<|end|>" ends a message, not the generation, when these are present
        int end = NONE;
        boolean hasReturn = false;
        boolean hasCall = false;
        boolean hasFlush = false;
        for (int id = eog.nextSetBit(0); id >= 0; id = eog.nextSetBit(id + 1)) {
            switch (text[id]) {
                case "<|return|>" -> hasReturn = true;
                case "<|call|>", "<|calls|>" -> hasCall = true;
                case "<|flush|>" -> hasFlush = true;
                case "<|end|>" -> end = id;
                default -> { }
            }
        }
        if (end != NONE && ((hasReturn && hasCall) || (hasCall && hasFlush))) {
            eog.clear(end);
            attrs[end] = TokenAttr.USER_DEFINED;
        }
        // gemma4 / paddleocr: "</s>" is an ordinary token there
        int slashS = NONE;
        boolean hasToolResponse = false;
        for (int id = eog.nextSetBit(0); id >= 0; id = eog.nextSetBit(id + 1)) {
            if (text[id].equals("<|tool_response>")) {
                hasToolResponse = true;
            } else if (text[id].equals("</s>")) {
                slashS = id;
            }
        }
        if (hasToolResponse && slashS != NONE) {
            eog.clear(slashS);
            attrs[slashS] = TokenAttr.NORMAL;
        }
        endOfGeneration = eog;
    }

    /** Control, user-defined and unknown tokens, longest UTF-8 text first (ties by id, for determinism). */
    private void specialTokenOrder() {
        int special = TokenAttr.CONTROL | TokenAttr.USER_DEFINED | TokenAttr.UNKNOWN;
        List<Integer> list = new java.util.ArrayList<>();
        for (int id = 0; id < text.length; id++) {
            if ((attrs[id] & special) != 0) {
                list.add(id);
            }
        }
        int[] utf8Length = new int[text.length];
        for (int id : list) {
            utf8Length[id] = Utf8.encode(text[id]).length;
        }
        list.sort((a, b) -> utf8Length[a] != utf8Length[b] ? Integer.compare(utf8Length[b], utf8Length[a])
                : Integer.compare(a, b));
        specialTokens = list.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Per-model strip attributes llama.cpp sets by model name (the GGUF does not carry them). */
    private void stripAttributes() {
        String pre = data.pre() == null ? "" : data.pre();
        String arch = data.architecture() == null ? "" : data.architecture();
        String name = data.modelName() == null ? "" : data.modelName().toLowerCase(Locale.ROOT);
        if (containsAny(pre, "jina-v2-de", "jina-v2-es", "jina-v2-code")
                || containsAny(arch, "nomic-bert-moe", "jina-bert-v3")) {
            setAttr("<mask>", TokenAttr.LSTRIP, true);
        } else if (containsAny(name, "phi-3", "phi3")) {
            for (int id : specialTokens) {
                attrs[id] |= TokenAttr.RSTRIP;
            }
            setAttr("</s>", TokenAttr.RSTRIP, true);
            for (String t : new String[] {"<unk>", "<s>", "<|endoftext|>"}) {
                setAttr(t, TokenAttr.RSTRIP, false);
            }
        } else if (containsAny(name, "modern-bert")) {
            setAttr("[MASK]", TokenAttr.LSTRIP, true);
        }
    }

    private void setAttr(String token, int attr, boolean value) {
        Integer id = ids.get(token);
        if (id != null) {
            attrs[id] = value ? attrs[id] | attr : attrs[id] & ~attr;
        }
    }

    private static boolean containsAny(String s, String... parts) {
        for (String p : parts) {
            if (s.contains(p)) {
                return true;
            }
        }
        return false;
    }

    private void lookupTables() {
        if (type == VocabType.SPM) {
            byteTokens = new int[256];
            for (int b = 0; b < 256; b++) {
                Integer id = ids.get(String.format(Locale.ROOT, "<0x%02X>", b));
                if (id == null && b < 0x80) {
                    id = ids.get(String.valueOf((char) b));
                }
                byteTokens[b] = id == null ? NONE : id;
            }
        } else {
            byteTokens = new int[256];
            Arrays.fill(byteTokens, NONE);
        }
        if (type == VocabType.BPE) {
            merges = new BpeMerges(data.merges(), ids, text.length);
        }
    }
}

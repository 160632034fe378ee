package dev.jllm.runtime.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * A BPE pre-tokenizer ({@code tokenizer.ggml.pre}): the splitting stages and the tokenizer settings llama.cpp
 * ties to the name.
 *
 * @param name         the canonical name
 * @param stages       splitters applied in order, each refining the previous segmentation
 * @param cleanSpaces  detokenizing removes spaces before punctuation and some contractions
 *                     (clean_up_tokenization_spaces)
 * @param ignoreMerges a pre-tokenized word that is itself a token is emitted whole, without BPE
 * @param addBos       default for adding BOS when the metadata does not say
 * @param addSep       default for add_sep
 * @param noBos        the vocabulary has no BOS unless the metadata names one
 */
record PreTokenizer(String name, List<Splitter> stages, boolean cleanSpaces, boolean ignoreMerges,
                    boolean addBos, boolean addSep, boolean noBos) {

    PreTokenizer {
        stages = List.copyOf(stages);
    }

    /** Splits {@code text} into the words BPE works on, in order; their concatenation is the text. */
    List<String> split(String text) {
        SplitText t = new SplitText(text);
        IntList segments = new IntList(1);
        if (t.length() > 0) {
            segments.add(t.length());
        }
        for (Splitter stage : stages) {
            segments = stage.split(t, segments);
        }
        List<String> words = new ArrayList<>(segments.size());
        StringBuilder sb = new StringBuilder();
        int pos = 0;
        for (int i = 0; i < segments.size(); i++) {
            int len = segments.get(i);
            sb.setLength(0);
            for (int k = pos; k < pos + len; k++) {
                sb.appendCodePoint(t.cps[k]);
            }
            words.add(sb.toString());
            pos += len;
        }
        return words;
    }
}

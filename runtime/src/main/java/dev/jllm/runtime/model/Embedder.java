package dev.jllm.runtime.model;

import java.util.ArrayList;
import java.util.List;

/**
 * A network that turns a tokenized text into one vector: a decoder's mean-pooled final states
 * ({@link LlamaModel#meanPooled}) or an encoder's pooled output ({@link EncoderModel}).
 */
public interface Embedder {

    /** The width of the vectors. */
    int embeddingLength();

    /**
     * The pooled embedding of {@code tokens} (special tokens already added), not normalized.
     *
     * @throws IllegalArgumentException for no tokens, a token outside the vocabulary or more than the context
     */
    float[] embed(int[] tokens);

    /**
     * The embeddings of several tokenized texts, in order; by default one after the other, an encoder evaluates
     * them together (each text still sees only itself).
     *
     * @throws IllegalArgumentException as {@link #embed}, for any of them
     */
    default List<float[]> embedAll(List<int[]> texts) {
        List<float[]> out = new ArrayList<>(texts.size());
        for (int[] tokens : texts) {
            out.add(embed(tokens));
        }
        return out;
    }
}

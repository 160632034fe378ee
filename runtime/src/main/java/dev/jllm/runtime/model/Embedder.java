package dev.jllm.runtime.model;

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
}

package dev.jllm.runtime.model;

import java.util.Objects;

/** The output of a forward pass: a row of vocabulary logits for each batch entry that asked for them. */
public final class Logits {

    private final int vocabSize;
    private final float[][] byBatchIndex;

    Logits(int vocabSize, float[][] byBatchIndex) {
        this.vocabSize = vocabSize;
        this.byBatchIndex = byBatchIndex;
    }

    public int vocabSize() {
        return vocabSize;
    }

    /** Number of batch entries (with or without logits). */
    public int batchSize() {
        return byBatchIndex.length;
    }

    /** Whether batch entry {@code batchIndex} has logits. */
    public boolean has(int batchIndex) {
        return byBatchIndex[Objects.checkIndex(batchIndex, byBatchIndex.length)] != null;
    }

    /**
     * The raw logits of batch entry {@code batchIndex} (the caller may keep and modify the array).
     *
     * @throws IllegalArgumentException if that entry did not ask for logits
     */
    public float[] get(int batchIndex) {
        float[] row = byBatchIndex[Objects.checkIndex(batchIndex, byBatchIndex.length)];
        if (row == null) {
            throw new IllegalArgumentException("batch entry " + batchIndex + " did not ask for logits");
        }
        return row;
    }
}

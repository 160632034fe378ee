package dev.jllm.runtime.model;

import java.util.Arrays;

/**
 * Tokens to evaluate in one forward pass: entries of (token, position, sequence id, whether its logits
 * are wanted). Entries of several sequences may be mixed (continuous batching); within a sequence
 * positions must continue the sequence's cached length without gaps, in order. Attention is causal
 * per sequence. A batch is reusable ({@link #clear()}) and not thread-safe.
 */
public final class Batch {

    private int size;
    private int[] tokens;
    private int[] positions;
    private int[] sequenceIds;
    private boolean[] wantsLogits;

    public Batch() {
        this(16);
    }

    public Batch(int initialCapacity) {
        int c = Math.max(1, initialCapacity);
        tokens = new int[c];
        positions = new int[c];
        sequenceIds = new int[c];
        wantsLogits = new boolean[c];
    }

    /** A batch holding a whole prompt of one sequence from {@code startPosition}, logits for the last token only. */
    public static Batch ofPrompt(int[] promptTokens, int sequenceId, int startPosition) {
        Batch b = new Batch(promptTokens.length);
        for (int i = 0; i < promptTokens.length; i++) {
            b.add(promptTokens[i], startPosition + i, sequenceId, i == promptTokens.length - 1);
        }
        return b;
    }

    /** Appends an entry and returns this batch. */
    public Batch add(int token, int position, int sequenceId, boolean logits) {
        if (position < 0) {
            throw new IllegalArgumentException("positions are non-negative, got " + position);
        }
        if (sequenceId < 0) {
            throw new IllegalArgumentException("sequence ids are non-negative, got " + sequenceId);
        }
        if (size == tokens.length) {
            int c = size * 2;
            tokens = Arrays.copyOf(tokens, c);
            positions = Arrays.copyOf(positions, c);
            sequenceIds = Arrays.copyOf(sequenceIds, c);
            wantsLogits = Arrays.copyOf(wantsLogits, c);
        }
        tokens[size] = token;
        positions[size] = position;
        sequenceIds[size] = sequenceId;
        wantsLogits[size] = logits;
        size++;
        return this;
    }

    public void clear() {
        size = 0;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public int token(int i) {
        return tokens[checkIndex(i)];
    }

    public int position(int i) {
        return positions[checkIndex(i)];
    }

    public int sequenceId(int i) {
        return sequenceIds[checkIndex(i)];
    }

    public boolean wantsLogits(int i) {
        return wantsLogits[checkIndex(i)];
    }

    /** Number of entries whose logits are wanted. */
    public int logitsCount() {
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (wantsLogits[i]) {
                n++;
            }
        }
        return n;
    }

    private int checkIndex(int i) {
        return java.util.Objects.checkIndex(i, size);
    }
}

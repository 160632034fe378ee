package dev.jllm.runtime.model;

import java.util.Arrays;

/**
 * Tokens to evaluate in one forward pass: entries of (token, position, sequence id, whether its logits
 * are wanted). Entries of several sequences may be mixed (continuous batching); within a sequence
 * positions must continue the sequence's cached length without gaps, in order. Attention is causal
 * per sequence. A batch is reusable ({@link #clear()}) and not thread-safe.
 */
public final class Batch {

    // one row of FIELDS ints per entry: token, position, sequence id, 1 if its logits are wanted
    private static final int FIELDS = 4;
    private static final int TOKEN = 0;
    private static final int POSITION = 1;
    private static final int SEQUENCE = 2;
    private static final int LOGITS = 3;

    private int size;
    private int[] entries;

    public Batch() {
        this(16);
    }

    public Batch(int initialCapacity) {
        entries = new int[Math.max(1, initialCapacity) * FIELDS];
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
        if ((size + 1) * FIELDS > entries.length) {
            entries = Arrays.copyOf(entries, entries.length * 2);
        }
        int at = size * FIELDS;
        entries[at + TOKEN] = token;
        entries[at + POSITION] = position;
        entries[at + SEQUENCE] = sequenceId;
        entries[at + LOGITS] = logits ? 1 : 0;
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
        return field(i, TOKEN);
    }

    public int position(int i) {
        return field(i, POSITION);
    }

    public int sequenceId(int i) {
        return field(i, SEQUENCE);
    }

    public boolean wantsLogits(int i) {
        return field(i, LOGITS) != 0;
    }

    /** Number of entries whose logits are wanted. */
    public int logitsCount() {
        int n = 0;
        for (int i = 0; i < size; i++) {
            n += entries[i * FIELDS + LOGITS];
        }
        return n;
    }

    private int field(int i, int field) {
        return entries[java.util.Objects.checkIndex(i, size) * FIELDS + field];
    }
}

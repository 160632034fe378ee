package dev.jllm.runtime.tokenizer;

import java.util.Arrays;

/**
 * BPE merge ranks keyed by the pair of piece ids (left, right): an open-addressing hash table of primitive
 * longs, so loading 100k merges and looking them up during encoding allocates nothing per entry.
 */
final class MergeRanks {
    private static final long EMPTY = -1L;

    private final long[] keys;
    private final int[] ranks;
    private final int mask;

    MergeRanks(int expected) {
        int capacity = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;
        keys = new long[capacity];
        ranks = new int[capacity];
        mask = capacity - 1;
        Arrays.fill(keys, EMPTY);
    }

    static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    /** Records a rank unless the pair already has one (the first, lowest rank wins, as in llama.cpp). */
    void putIfAbsent(int left, int right, int rank) {
        long k = key(left, right);
        int i = slot(k);
        while (keys[i] != EMPTY) {
            if (keys[i] == k) {
                return;
            }
            i = (i + 1) & mask;
        }
        keys[i] = k;
        ranks[i] = rank;
    }

    /** The rank of merging (left, right), or -1 when that pair is not a merge. */
    int rank(int left, int right) {
        if (left < 0 || right < 0) {
            return -1;
        }
        long k = key(left, right);
        int i = slot(k);
        while (keys[i] != EMPTY) {
            if (keys[i] == k) {
                return ranks[i];
            }
            i = (i + 1) & mask;
        }
        return -1;
    }

    private int slot(long k) {
        long h = k * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 32) & mask;
    }
}

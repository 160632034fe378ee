package dev.jllm.runtime.sampling.grammar;

import dev.jllm.runtime.tokenizer.Tokenizer;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * A model's vocabulary as a trie of the tokens' bytes (what each token adds to the output), so the tokens a
 * grammar state allows are found by one walk that shares the work of common prefixes and abandons a branch at
 * its first impossible byte. Tokens that add no bytes (control tokens) are not in it; end-of-generation tokens
 * are kept apart: a grammar allows them only once complete. Immutable; one per tokenizer.
 */
public final class TokenTrie {
    private static final Map<Tokenizer, TokenTrie> CACHE = Collections.synchronizedMap(new WeakHashMap<>());

    final int vocabSize;
    final byte[][] tokens;
    final int[] endOfGeneration;
    // per node: children [childOffset, childOffset + childCount) in childByte/childNode, tokens ending here
    int[] childOffset;
    int[] childCount;
    int[] tokenOffset;
    int[] tokenCount;
    byte[] childByte;
    int[] childNode;
    int[] tokenIds;
    private int nodes;
    private int childSlots;
    private int tokenSlots;

    private TokenTrie(int vocabSize, byte[][] tokens, int[] endOfGeneration) {
        this.vocabSize = vocabSize;
        this.tokens = tokens;
        this.endOfGeneration = endOfGeneration.clone();
        build();
    }

    /** The trie of a tokenizer's vocabulary (built once per tokenizer and kept while it lives). */
    public static TokenTrie of(Tokenizer tokenizer, Set<Integer> endOfGeneration) {
        TokenTrie t = CACHE.get(tokenizer);
        int[] eog = endOfGeneration.stream().mapToInt(Integer::intValue).sorted().toArray();
        if (t == null || !Arrays.equals(t.endOfGeneration, eog)) {
            byte[][] bytes = new byte[tokenizer.vocabSize()][];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = tokenizer.tokenBytes(i);
            }
            t = new TokenTrie(bytes.length, bytes, eog);
            CACHE.put(tokenizer, t);
        }
        return t;
    }

    /** A trie over explicit token byte strings (tests and tools). */
    public static TokenTrie of(byte[][] tokens, int... endOfGeneration) {
        return new TokenTrie(tokens.length, tokens.clone(), endOfGeneration);
    }

    public int vocabSize() {
        return vocabSize;
    }

    byte[] bytes(int token) {
        return tokens[token];
    }

    boolean isEndOfGeneration(int token) {
        return Arrays.binarySearch(endOfGeneration, token) >= 0;
    }

    private void build() {
        Integer[] ids = new Integer[vocabSize];
        int n = 0;
        long totalBytes = 0;
        for (int i = 0; i < vocabSize; i++) {
            if (tokens[i] != null && tokens[i].length > 0 && !isEndOfGeneration(i)) {
                ids[n++] = i;
                totalBytes += tokens[i].length;
            }
        }
        Integer[] sorted = Arrays.copyOf(ids, n);
        Arrays.sort(sorted, (a, b) -> Arrays.compareUnsigned(tokens[a], tokens[b]));
        int maxNodes = (int) Math.min(Integer.MAX_VALUE - 8, totalBytes + 1);
        int cap = Math.min(maxNodes, 1024);
        childOffset = new int[cap];
        childCount = new int[cap];
        tokenOffset = new int[cap];
        tokenCount = new int[cap];
        childByte = new byte[cap];
        childNode = new int[cap];
        tokenIds = new int[Math.max(1, n)];
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = sorted[i];
        }
        int root = newNode();
        fill(root, order, 0, n, 0);
        childOffset = Arrays.copyOf(childOffset, nodes);
        childCount = Arrays.copyOf(childCount, nodes);
        tokenOffset = Arrays.copyOf(tokenOffset, nodes);
        tokenCount = Arrays.copyOf(tokenCount, nodes);
        childByte = Arrays.copyOf(childByte, childSlots);
        childNode = Arrays.copyOf(childNode, childSlots);
    }

    /** Node {@code node} holds the sorted tokens {@code order[lo, hi)}, which share their first {@code depth} bytes. */
    private void fill(int node, int[] order, int lo, int hi, int depth) {
        int i = lo;
        tokenOffset[node] = tokenSlots;
        while (i < hi && tokens[order[i]].length == depth) {
            tokenIds[tokenSlots++] = order[i++];
        }
        tokenCount[node] = tokenSlots - tokenOffset[node];
        // count the groups by the next byte
        int groups = 0;
        for (int j = i; j < hi; ) {
            byte b = tokens[order[j]][depth];
            while (j < hi && tokens[order[j]][depth] == b) {
                j++;
            }
            groups++;
        }
        int slot = childSlots;
        ensureChildSlots(childSlots + groups);
        childSlots += groups;
        childOffset[node] = slot;
        childCount[node] = groups;
        for (int j = i; j < hi; ) {
            byte b = tokens[order[j]][depth];
            int start = j;
            while (j < hi && tokens[order[j]][depth] == b) {
                j++;
            }
            int child = newNode();
            childByte[slot] = b;
            childNode[slot] = child;
            slot++;
            fill(child, order, start, j, depth + 1);
        }
    }

    private int newNode() {
        if (nodes == childOffset.length) {
            int cap = nodes * 2;
            childOffset = Arrays.copyOf(childOffset, cap);
            childCount = Arrays.copyOf(childCount, cap);
            tokenOffset = Arrays.copyOf(tokenOffset, cap);
            tokenCount = Arrays.copyOf(tokenCount, cap);
        }
        return nodes++;
    }

    private void ensureChildSlots(int need) {
        if (need > childByte.length) {
            int cap = Math.max(need, childByte.length * 2);
            childByte = Arrays.copyOf(childByte, cap);
            childNode = Arrays.copyOf(childNode, cap);
        }
    }
}

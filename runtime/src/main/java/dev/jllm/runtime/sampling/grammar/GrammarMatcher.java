package dev.jllm.runtime.sampling.grammar;

import dev.jllm.runtime.sampling.TokenConstraint;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Matches one generation against a {@link Grammar}, token by token. Its state is the set of grammar stacks
 * alive after the output so far ({@link StackSet}); a token advances it byte by byte, so a token may span
 * several grammar elements or end inside a UTF-8 character.
 *
 * <p>The tokens allowed next are those whose bytes some stack can consume: for each stack, one walk of the
 * vocabulary's {@link TokenTrie}, cached by the stack (its structure, tails included). A stack depends on the
 * position in the grammar and the open nesting, never on the length of the output, so the work per token stays
 * bounded: a repeated state (the inside of a string, the digits of a number) costs one cache lookup and an OR
 * of bit masks. End-of-generation tokens are allowed only when the output is a complete sentence.
 *
 * <p>Not thread-safe: one per sequence.
 */
public final class GrammarMatcher implements TokenConstraint {
    /** Cached masks per matcher, in bytes (the oldest used entry goes first). */
    private static final long CACHE_BYTES = 8L << 20;

    private final Grammar grammar;
    private final TokenTrie trie;
    private final int words;
    private final StackSet state = new StackSet();
    private final StackSet scratchA = new StackSet();
    private final StackSet scratchB = new StackSet();
    private boolean ended;
    private long walks;
    private final Map<Frame, long[]> cache;
    /** The distinct states of the current walk; bounded so an unusual grammar cannot fill the memory. */
    private final Map<WalkState, WalkState> states = new java.util.HashMap<>();
    private static final int MAX_WALK_STATES = 4096;

    GrammarMatcher(Grammar grammar, TokenTrie trie) {
        this.grammar = grammar;
        this.trie = trie;
        this.words = trie == null ? 0 : (trie.vocabSize + 63) >>> 6;
        int entries = trie == null ? 0 : (int) Math.max(16, CACHE_BYTES / Math.max(8, words * 8L));
        this.cache = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Frame, long[]> eldest) {
                return size() > entries;
            }
        };
        grammar.start(state);
    }

    /** Whether the output so far is a complete sentence of the grammar (end of generation allowed). */
    public boolean isComplete() {
        return state.accept;
    }

    /** Whether more bytes can follow the output so far. */
    public boolean canContinue() {
        return state.size > 0 && !ended;
    }

    /** Whether the output is complete and nothing may follow: the generation can end now. */
    public boolean isFinished() {
        return ended || (state.accept && state.size == 0);
    }

    /**
     * Advances over the bytes if the grammar allows them all; otherwise returns false and the state is
     * unchanged.
     */
    public boolean acceptBytes(byte[] bytes) {
        if (ended) {
            return bytes.length == 0;
        }
        StackSet cur = state;
        for (byte x : bytes) {
            StackSet out = cur == scratchA ? scratchB : scratchA;
            out.clear();
            int b = x & 0xFF;
            for (int i = 0; i < cur.size; i++) {
                grammar.advance(cur.items[i], b, out);
            }
            if (out.isDead()) {
                return false;
            }
            cur = out;
        }
        if (cur != state) {
            state.copyFrom(cur);
        }
        return true;
    }

    /**
     * Advances over a token of the vocabulary. An end-of-generation token is accepted only when the output is
     * complete (and ends it); a token adding no bytes (control) is refused.
     *
     * @return whether the grammar allows the token; when it does not, the state is unchanged
     */
    public boolean acceptToken(int token) {
        if (trie.isEndOfGeneration(token)) {
            if (state.accept && !ended) {
                ended = true;
                return true;
            }
            return false;
        }
        byte[] b = trie.bytes(token);
        if (b == null || b.length == 0) {
            return false;
        }
        return acceptBytes(b);
    }

    @Override
    public void allowedTokens(long[] allowed) {
        java.util.Arrays.fill(allowed, 0, words, 0L);
        if (ended) {
            return;
        }
        for (int i = 0; i < state.size; i++) {
            long[] m = maskOf(state.items[i]);
            for (int w = 0; w < words; w++) {
                allowed[w] |= m[w];
            }
        }
        if (state.accept) {
            for (int t : trie.endOfGeneration) {
                allowed[t >>> 6] |= 1L << (t & 63);
            }
        }
    }

    /** How many vocabulary walks (mask cache misses) this matcher has done. */
    public long walks() {
        return walks;
    }

    /** The deepest stack alive now (for tests: it follows the nesting, not the output's length). */
    int depth() {
        int d = 0;
        for (int i = 0; i < state.size; i++) {
            d = Math.max(d, state.items[i].depth);
        }
        return d;
    }

    private long[] maskOf(Frame top) {
        long[] m = cache.get(top);
        if (m == null) {
            m = new long[words];
            walks++;
            states.clear();
            StackSet s = new StackSet();
            s.add(top);
            walk(0, WalkState.of(s), m);
            states.clear();
            cache.put(top, m);
        }
        return m;
    }

    /** Marks every token below {@code node} that the state can consume whole. */
    private void walk(int node, WalkState s, long[] mask) {
        int off = trie.childOffset[node];
        int end = off + trie.childCount[node];
        for (int c = off; c < end; c++) {
            WalkState n = step(s, trie.childByte[c] & 0xFF);
            if (n == WalkState.DEAD) {
                continue;
            }
            int child = trie.childNode[c];
            int t0 = trie.tokenOffset[child];
            for (int t = t0, t1 = t0 + trie.tokenCount[child]; t < t1; t++) {
                int id = trie.tokenIds[t];
                mask[id >>> 6] |= 1L << (id & 63);
            }
            if (n.frames.length > 0 && trie.childCount[child] > 0) {
                walk(child, n, mask);
            }
        }
    }

    /** The state after byte {@code b}: taken from the state's memo, else computed (and memoized while few). */
    private WalkState step(WalkState s, int b) {
        if (s.next != null && s.next[b] != null) {
            return s.next[b];
        }
        scratchA.clear();
        for (Frame f : s.frames) {
            grammar.advance(f, b, scratchA);
        }
        WalkState n = WalkState.of(scratchA);
        if (n != WalkState.DEAD && states.size() < MAX_WALK_STATES) {
            WalkState known = states.putIfAbsent(n, n);
            n = known != null ? known : n;
        }
        if (states.size() < MAX_WALK_STATES) {
            if (s.next == null) {
                s.next = new WalkState[256];
            }
            s.next[b] = n;
        }
        return n;
    }
}

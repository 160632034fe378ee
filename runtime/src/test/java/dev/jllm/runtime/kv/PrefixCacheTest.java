package dev.jllm.runtime.kv;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Finished sequences kept for prefix reuse: lookup, supersession, least-recently-used eviction. */
class PrefixCacheTest {

    private final KvCache kv = new KvCache(new KvLayout(1, 2, 2, 64, 4, 1 << 20));

    private void sequence(int id, int[] tokens) {
        SequenceCache s = kv.sequence(id);
        s.reserve(tokens.length);
        s.commit(tokens.length);
    }

    private void retain(PrefixCache cache, int id, int... tokens) {
        sequence(id, tokens);
        cache.retain(id, tokens);
    }

    @Test
    void theLongestCommonPrefixWinsWithinTheLimit() {
        PrefixCache cache = new PrefixCache(kv, 8);
        retain(cache, 1, 1, 2, 3, 4);
        retain(cache, 2, 1, 2, 9, 9, 9);
        assertThat(cache.longestPrefix(new int[] {1, 2, 3, 4, 5}, 5)).isEqualTo(new PrefixCache.Match(1, 4));
        assertThat(cache.longestPrefix(new int[] {1, 2, 9, 9, 9, 9}, 6)).isEqualTo(new PrefixCache.Match(2, 5));
        assertThat(cache.longestPrefix(new int[] {1, 2, 9, 9, 9, 9}, 3)).isEqualTo(new PrefixCache.Match(2, 3));
        assertThat(cache.longestPrefix(new int[] {7, 1, 2}, 3)).isEqualTo(PrefixCache.Match.NONE);
    }

    @Test
    void anEntryCoveredByANewerOneIsDroppedAndViceVersa() {
        PrefixCache cache = new PrefixCache(kv, 8);
        retain(cache, 1, 1, 2, 3);
        retain(cache, 2, 1, 2, 3, 4, 5); // the next turn of the same conversation
        assertThat(cache.sequenceIds()).containsExactly(2);
        assertThat(kv.contains(1)).isFalse();
        retain(cache, 3, 1, 2, 3, 4);    // nothing new: the longer entry stays
        assertThat(cache.sequenceIds()).containsExactly(2);
        assertThat(kv.contains(3)).isFalse();
        retain(cache, 4);                // empty: nothing to keep
        assertThat(kv.contains(4)).isFalse();
    }

    @Test
    void evictionTakesTheLeastRecentlyUsedFirst() {
        PrefixCache cache = new PrefixCache(kv, 3);
        retain(cache, 1, 1, 1);
        retain(cache, 2, 2, 2);
        retain(cache, 3, 3, 3);
        cache.touch(1);
        assertThat(cache.sequenceIds()).containsExactly(2, 3, 1);
        retain(cache, 4, 4, 4);          // over maxEntries: 2 goes
        assertThat(cache.sequenceIds()).containsExactly(3, 1, 4);
        assertThat(kv.contains(2)).isFalse();
        long before = kv.usedBytes();
        assertThat(cache.evictLeastRecentlyUsed()).isTrue();
        assertThat(kv.usedBytes()).isLessThan(before);
        assertThat(cache.sequenceIds()).containsExactly(1, 4);
        cache.clear();
        assertThat(cache.size()).isZero();
        assertThat(kv.usedBytes()).isZero();
        assertThat(cache.evictLeastRecentlyUsed()).isFalse();
    }

    @Test
    void commonPrefixCountsEqualLeadingTokens() {
        assertThat(PrefixCache.commonPrefix(new int[] {1, 2, 3}, 3, new int[] {1, 2, 4}, 3)).isEqualTo(2);
        assertThat(PrefixCache.commonPrefix(new int[] {1, 2, 3}, 3, new int[] {1, 2, 3, 4}, 4)).isEqualTo(3);
        assertThat(PrefixCache.commonPrefix(new int[] {1, 2, 3}, 2, new int[] {1, 2, 3}, 3)).isEqualTo(2);
        assertThat(PrefixCache.commonPrefix(new int[] {5}, 1, new int[] {1}, 1)).isZero();
    }
}

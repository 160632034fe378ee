package dev.jllm.runtime.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Sequences sharing the pages of a common prefix: counted once, copied before a write, freed by the last user. */
class KvSharingTest {

    private static final int PAGE = 8;

    private static KvCache cache(long maxBytes) {
        return new KvCache(new KvLayout(2, 6, 4, 100, PAGE, maxBytes));
    }

    private static long page(KvCache kv) {
        return kv.layout().pageBytes() * kv.layout().layers();
    }

    /** Writes a recognisable value for each position of each layer, as a forward pass would. */
    private static void fill(SequenceCache s, int from, int to, float base) {
        s.reserve(to);
        for (int p = from; p < to; p++) {
            for (int l = 0; l < 2; l++) {
                ((float[]) s.keyPages(l)[p >> s.pageShift()])[s.offset(p) * 6] = base + p;
                ((float[]) s.valuePages(l)[p >> s.pageShift()])[s.offset(p) * 4] = -(base + p);
            }
        }
        s.commit(to);
    }

    private static float key(SequenceCache s, int layer, int p) {
        return ((float[]) s.keyPages(layer)[p >> s.pageShift()])[s.offset(p) * 6];
    }

    private static float value(SequenceCache s, int layer, int p) {
        return ((float[]) s.valuePages(layer)[p >> s.pageShift()])[s.offset(p) * 4];
    }

    @Test
    void aSharedPrefixIsStoredOnceAndReadThroughBothSequences() {
        KvCache kv = cache(1 << 20);
        fill(kv.sequence(0), 0, 20, 100);
        long used = kv.usedBytes();
        assertThat(used).isEqualTo(3 * page(kv));
        kv.share(0, 1, 20);
        assertThat(kv.usedBytes()).isEqualTo(used);
        SequenceCache b = kv.sequence(1);
        assertThat(b.length()).isEqualTo(20);
        for (int p = 0; p < 20; p++) {
            assertThat(key(b, 1, p)).isEqualTo(100 + p);
            assertThat(value(b, 0, p)).isEqualTo(-(100 + p));
        }
        assertThat(b.isShared(0)).isTrue();
        assertThat(b.isShared(2)).isTrue();
    }

    @Test
    void writingIntoASharedPageCopiesItFirstSoTheOtherSequenceIsUntouched() {
        KvCache kv = cache(1 << 20);
        SequenceCache a = kv.sequence(0);
        fill(a, 0, 12, 100);            // pages 0 (full) and 1 (positions 8..11)
        kv.share(0, 1, 10);             // b: positions 0..9, shares both pages
        SequenceCache b = kv.sequence(1);
        assertThat(kv.bytesToGrow(1, 11)).isEqualTo(page(kv)); // page 1 must be copied first
        fill(b, 10, 14, 500);           // b writes 10..13 into its own copy of page 1
        assertThat(kv.usedBytes()).isEqualTo(3 * page(kv));
        assertThat(b.isShared(0)).isTrue();
        assertThat(b.isShared(1)).isFalse();
        assertThat(a.isShared(1)).isFalse();
        assertThat(key(a, 0, 10)).isEqualTo(110);
        assertThat(key(a, 1, 11)).isEqualTo(111);
        assertThat(key(b, 0, 10)).isEqualTo(510);
        assertThat(key(b, 0, 9)).isEqualTo(109); // the copied part of the page kept the shared prefix
        assertThat(key(b, 0, 3)).isEqualTo(103);
        // a grows too: page 1 is its own now, no copy needed
        assertThat(kv.bytesToGrow(0, 16)).isZero();
        fill(a, 12, 16, 100);
        assertThat(key(b, 1, 12)).isEqualTo(512);
    }

    @Test
    void theSourceAlsoCopiesBeforeWritingIntoAPageItShares() {
        KvCache kv = cache(1 << 20);
        SequenceCache a = kv.sequence(0);
        fill(a, 0, 4, 100);
        kv.share(0, 1, 4);
        fill(a, 4, 6, 200);
        SequenceCache b = kv.sequence(1);
        assertThat(b.length()).isEqualTo(4);
        fill(b, 4, 6, 300);
        assertThat(key(a, 0, 4)).isEqualTo(204);
        assertThat(key(b, 0, 4)).isEqualTo(304);
        assertThat(key(a, 1, 3)).isEqualTo(103);
        assertThat(key(b, 1, 3)).isEqualTo(103);
        assertThat(kv.usedBytes()).isEqualTo(2 * page(kv));
    }

    @Test
    void pagesAreFreedByTheirLastUser() {
        KvCache kv = cache(1 << 20);
        fill(kv.sequence(0), 0, 24, 0);
        kv.share(0, 1, 24);
        kv.share(1, 2, 9);
        assertThat(kv.usedBytes()).isEqualTo(3 * page(kv));
        kv.drop(0);
        assertThat(kv.usedBytes()).isEqualTo(3 * page(kv)); // sequence 1 still uses all three
        kv.truncate(1, 5);
        assertThat(kv.usedBytes()).isEqualTo(2 * page(kv)); // page 2 had no other user; page 1 is used by 2
        kv.drop(2);
        assertThat(kv.usedBytes()).isEqualTo(page(kv));
        kv.drop(1);
        assertThat(kv.usedBytes()).isZero();
    }

    @Test
    void aCopyOnWriteCountsAgainstTheBudgetAndFailsCleanly() {
        KvCache probe = cache(1);
        KvCache kv = cache(2 * page(probe));
        fill(kv.sequence(0), 0, 12, 0);
        kv.share(0, 1, 12);
        assertThat(kv.usedBytes()).isEqualTo(kv.maxBytes());
        SequenceCache b = kv.sequence(1);
        assertThatThrownBy(() -> b.reserve(13)).isInstanceOf(KvCacheFullException.class);
        assertThat(b.isShared(1)).isTrue();
        assertThat(b.length()).isEqualTo(12);
        kv.drop(0);
        b.reserve(13); // the page is b's alone now: written in place
        assertThat(kv.usedBytes()).isEqualTo(2 * page(kv));
    }

    @Test
    void sharingNeedsAnEmptyTargetAndEnoughCommittedPositions() {
        KvCache kv = cache(1 << 20);
        fill(kv.sequence(0), 0, 5, 0);
        fill(kv.sequence(1), 0, 2, 0);
        assertThatThrownBy(() -> kv.share(0, 1, 3)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> kv.share(0, 2, 6)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("5 committed positions");
        assertThatThrownBy(() -> kv.share(7, 2, 1)).hasMessageContaining("no sequence 7");
        assertThatThrownBy(() -> kv.share(0, 0, 1)).hasMessageContaining("itself");
        kv.share(0, 3, 0);
        assertThat(kv.length(3)).isZero();
    }
}

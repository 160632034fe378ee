package dev.jllm.runtime.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KvCacheTest {

    private static KvCache cache(int maxContext, long maxBytes) {
        return new KvCache(new KvLayout(2, 6, 4, maxContext, 8, maxBytes));
    }

    /** Sequence {@code id} with {@code length} positions reserved and committed, as after a forward pass. */
    private static SequenceCache written(KvCache kv, int id, int length) {
        SequenceCache s = kv.sequence(id);
        s.reserve(length);
        s.commit(length);
        return s;
    }

    @Test
    void sequencesGrowPageByPageAndReportTheirLength() {
        KvCache kv = cache(100, 1 << 20);
        SequenceCache s = kv.sequence(3);
        assertThat(s.capacity()).isZero();
        assertThat(kv.usedBytes()).isZero();
        s.reserve(1);
        assertThat(s.capacity()).isEqualTo(8);
        long page = kv.layout().pageBytes() * 2; // two layers
        assertThat(kv.usedBytes()).isEqualTo(page);
        s.reserve(8);
        assertThat(s.capacity()).isEqualTo(8);
        s.reserve(20);
        assertThat(s.capacity()).isEqualTo(24);
        assertThat(kv.usedBytes()).isEqualTo(3 * page);
        assertThat((float[]) s.keyPages(1)[2]).hasSize(8 * 6);
        assertThat((float[]) s.valuePages(0)[2]).hasSize(8 * 4);
        assertThat(s.length()).isZero();
        s.commit(20);
        assertThat(kv.length(3)).isEqualTo(20);
        assertThat(kv.length(4)).isZero();
        assertThat(kv.sequenceIds()).containsExactly(3);
        assertThatThrownBy(() -> s.commit(25)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void overflowIsAnExplicitErrorAndChangesNothing() {
        KvCache kv = cache(16, 1 << 20);
        SequenceCache s = written(kv, 0, 16);
        long used = kv.usedBytes();
        assertThatThrownBy(() -> s.reserve(17))
                .isInstanceOfSatisfying(ContextOverflowException.class, e -> {
                    assertThat(e.sequenceId()).isZero();
                    assertThat(e.requestedLength()).isEqualTo(17);
                    assertThat(e.maxContext()).isEqualTo(16);
                })
                .hasMessage("sequence 0 needs 17 positions but the context length is 16");
        assertThat(s.length()).isEqualTo(16);
        assertThat(kv.usedBytes()).isEqualTo(used);
    }

    @Test
    void theMemoryBudgetIsSharedByAllSequences() {
        long page = new KvLayout(2, 6, 4, 100, 8, 1).pageBytes() * 2;
        KvCache kv = cache(100, 3 * page);
        kv.sequence(0).reserve(16);
        kv.sequence(1).reserve(8);
        assertThatThrownBy(() -> kv.sequence(2).reserve(1)).isInstanceOf(KvCacheFullException.class)
                .hasMessageContaining("KV cache full");
        kv.drop(0);
        assertThat(kv.usedBytes()).isEqualTo(page);
        kv.sequence(2).reserve(9);
        assertThat(kv.usedBytes()).isEqualTo(3 * page);
    }

    @Test
    void truncateKeepsAPrefixAndFreesWholePagesBeyondIt() {
        KvCache kv = cache(100, 1 << 20);
        SequenceCache s = written(kv, 1, 30);
        ((float[]) s.keyPages(0)[0])[5] = 42f;
        kv.truncate(1, 9);
        assertThat(s.length()).isEqualTo(9);
        assertThat(s.capacity()).isEqualTo(16);
        assertThat(((float[]) s.keyPages(0)[0])[5]).isEqualTo(42f);
        assertThat(s.keyPages(0)[2]).isNull();
        assertThatThrownBy(() -> kv.truncate(1, 10)).isInstanceOf(IllegalArgumentException.class);
        kv.truncate(1, 0);
        assertThat(s.capacity()).isZero();
        assertThat(kv.usedBytes()).isZero();
        kv.truncate(7, 0); // an absent sequence is already empty
        assertThatThrownBy(() -> kv.truncate(7, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void badLayoutsAreRejected() {
        assertThatThrownBy(() -> new KvLayout(2, 6, 4, 100, 12, 1000)).hasMessageContaining("power of two");
        assertThatThrownBy(() -> new KvLayout(0, 6, 4, 100, 8, 1000)).hasMessageContaining("positive");
        assertThatThrownBy(() -> cache(10, 1000).sequence(-1)).hasMessageContaining("non-negative");
    }
}

package dev.jllm.runtime.parallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class RowClaimsTest {

    /** Drains worker {@code w}'s claims (one call per claim) into {@code into}, as {@code {from, to}}. */
    private static List<int[]> drain(RowClaims claims, int w) {
        List<int[]> into = new ArrayList<>();
        for (long c; (c = claims.next(w)) >= 0; ) {
            into.add(new int[] {RowClaims.from(c), RowClaims.to(c)});
        }
        return into;
    }

    @Test
    void oneWorkerTakesItsPartFrontToBackInAlignedChunks() {
        RowClaims claims = new RowClaims(1);
        claims.reset(1000, 100, 1);
        List<int[]> got = drain(claims, 0);
        // 100 rounded up to a multiple of 32: 128
        assertThat(got).extracting(r -> r[0]).containsExactly(0, 128, 256, 384, 512, 640, 768, 896);
        assertThat(got).extracting(r -> r[1]).containsExactly(128, 256, 384, 512, 640, 768, 896, 1000);
        assertThat(claims.next(0)).isEqualTo(-1);
    }

    @Test
    void workersOfEqualSpeedNeverTakeFromEachOther() {
        RowClaims claims = new RowClaims(2);
        claims.reset(2048, 128, 2);
        List<int[]> zero = new ArrayList<>();
        List<int[]> one = new ArrayList<>();
        long a;
        long b;
        do {
            a = claims.next(0);
            b = claims.next(1);
            if (a >= 0) {
                zero.add(new int[] {RowClaims.from(a), RowClaims.to(a)});
            }
            if (b >= 0) {
                one.add(new int[] {RowClaims.from(b), RowClaims.to(b)});
            }
        } while (a >= 0 || b >= 0);
        assertThat(zero).hasSize(8).allSatisfy(r -> assertThat(r[1]).isLessThanOrEqualTo(1024));
        assertThat(one).hasSize(8).allSatisfy(r -> assertThat(r[0]).isGreaterThanOrEqualTo(1024));
    }

    @Test
    void aWorkerThatIsDoneTakesTheLateWorkersTailFromTheBack() {
        RowClaims claims = new RowClaims(3);
        claims.reset(3000, 100, 3);
        // parts: [0, 992), [992, 1984), [1984, 3000): each part's end rounded down to a multiple of 32
        long late = claims.next(2);
        assertThat(RowClaims.from(late)).isEqualTo(1984);
        assertThat(RowClaims.to(late)).isEqualTo(2112);
        List<int[]> fast = drain(claims, 0);
        // its own part in order, then chunks from the back of whichever part has the most rows left: worker 1's
        // (992 rows, untouched) before worker 2's (888 left), then whichever is larger at each claim
        assertThat(fast.get(0)).containsExactly(0, 128);
        assertThat(fast.get(7)).containsExactly(896, 992);
        assertThat(fast.get(8)).containsExactly(1856, 1984);
        // a stolen chunk starts on a multiple of 32 too: 3000 - 128 rounded down
        assertThat(fast.get(9)).containsExactly(2848, 3000);
        assertThat(fast).allSatisfy(r -> assertThat(r[0] % RowClaims.ALIGN).isZero());
        // everything handed out exactly once: the late worker's first chunk and worker 0's claims
        int[] hits = new int[3000];
        for (int r = RowClaims.from(late); r < RowClaims.to(late); r++) {
            hits[r]++;
        }
        for (int[] c : fast) {
            for (int r = c[0]; r < c[1]; r++) {
                hits[r]++;
            }
        }
        assertThat(hits).containsOnly(1);
        assertThat(claims.next(1)).isEqualTo(-1);
        assertThat(claims.next(2)).isEqualTo(-1);
    }

    @Test
    void aWorkerWithoutAPartOnlyTakesOverEvenAfterAJobWhereItHadOne() {
        RowClaims claims = new RowClaims(2);
        claims.reset(256, 32, 2);
        long c = claims.next(1);
        assertThat(RowClaims.from(c)).isEqualTo(128);
        // the next matrix is split in one part: worker 1's cursor from the job before must not be used
        claims.reset(256, 64, 1);
        List<int[]> one = drain(claims, 1);
        assertThat(one).extracting(r -> r[0]).containsExactly(192, 128, 64, 0);
        assertThat(claims.next(0)).isEqualTo(-1);
    }

    @Test
    void concurrentWorkersAtRandomSpeedsCoverEveryRowExactlyOnce() throws Exception {
        int threads = 4;
        RowClaims claims = new RowClaims(threads);
        for (int round = 0; round < 200; round++) {
            int rows = 1 + ThreadLocalRandom.current().nextInt(5000);
            int parts = 1 + ThreadLocalRandom.current().nextInt(threads);
            claims.reset(rows, 1 + ThreadLocalRandom.current().nextInt(300), parts);
            AtomicIntegerArray hits = new AtomicIntegerArray(rows);
            Thread[] ts = new Thread[parts];
            for (int w = 0; w < parts; w++) {
                int worker = w;
                int delay = ThreadLocalRandom.current().nextInt(3) * 20_000;
                ts[w] = new Thread(() -> {
                    for (long c; (c = claims.next(worker)) >= 0; ) {
                        assertThat(RowClaims.from(c)).isLessThan(RowClaims.to(c));
                        for (int r = RowClaims.from(c); r < RowClaims.to(c); r++) {
                            hits.incrementAndGet(r);
                        }
                        long until = System.nanoTime() + delay;
                        while (System.nanoTime() < until) {
                            Thread.onSpinWait();
                        }
                    }
                });
                ts[w].start();
            }
            for (Thread t : ts) {
                t.join();
            }
            for (int r = 0; r < rows; r++) {
                assertThat(hits.get(r)).as("row %d of %d in %d parts", r, rows, parts).isEqualTo(1);
            }
        }
    }

    @Test
    void badArgumentsAreRefused() {
        assertThatThrownBy(() -> new RowClaims(0)).isInstanceOf(IllegalArgumentException.class);
        RowClaims claims = new RowClaims(2);
        assertThatThrownBy(() -> claims.reset(100, 10, 3)).hasMessageContaining("parts must be in [1, 2]");
        assertThatThrownBy(() -> claims.reset(100, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}

package dev.jllm.runtime.parallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class WorkerPoolTest {

    @Test
    void everyItemRunsExactlyOnceInContiguousChunksWithValidWorkerIndices() {
        for (int threads = 1; threads <= 4; threads++) {
            // a job right after construction must not be missed by workers still starting up
            try (WorkerPool pool = new WorkerPool(threads)) {
                for (int count : new int[] {1, 2, 3, 5, 17, 1000}) {
                    for (int repeat = 0; repeat < 50; repeat++) {
                        AtomicIntegerArray hits = new AtomicIntegerArray(count);
                        Set<Integer> workers = ConcurrentHashMap.newKeySet();
                        int n = threads;
                        pool.forRange(count, (worker, from, to) -> {
                            assertThat(worker).isBetween(0, n - 1);
                            assertThat(from).isLessThan(to);
                            workers.add(worker);
                            for (int i = from; i < to; i++) {
                                hits.incrementAndGet(i);
                            }
                        });
                        for (int i = 0; i < count; i++) {
                            assertThat(hits.get(i)).as("item %d of %d", i, count).isEqualTo(1);
                        }
                        assertThat(workers).isNotEmpty();
                    }
                }
            }
        }
    }

    @Test
    void smallJobsAreCutIntoFewerChunks() {
        try (WorkerPool pool = new WorkerPool(4)) {
            List<int[]> chunks = new CopyOnWriteArrayList<>();
            pool.forRange(10, 5, (worker, from, to) -> chunks.add(new int[] {from, to}));
            assertThat(chunks).hasSize(2).allSatisfy(c -> assertThat(c[1] - c[0]).isEqualTo(5));
            chunks.clear();
            Set<Integer> workers = ConcurrentHashMap.newKeySet();
            pool.forRange(10, 100, (worker, from, to) -> {
                assertThat(from).isZero();
                assertThat(to).isEqualTo(10);
                workers.add(worker);
            });
            assertThat(workers).containsExactly(0);
            pool.forRange(1000, 1, (worker, from, to) -> chunks.add(new int[] {from, to}));
            assertThat(chunks).hasSize(4 * WorkerPool.CHUNKS_PER_THREAD);
        }
    }

    @Test
    void manyJobsBackToBackEachRunEveryItemOnce() {
        // Threads still leaving one job while the caller publishes the next: a thread of the old job once took a
        // chunk beyond the old job's end, counted against the new one, and the pool hung within ~100,000 jobs.
        for (int threads = 2; threads <= 3; threads++) {
            try (WorkerPool pool = new WorkerPool(threads)) {
                java.util.concurrent.atomic.AtomicLong items = new java.util.concurrent.atomic.AtomicLong();
                long expected = 0;
                for (int i = 0; i < 300_000; i++) {
                    int count = 2 + i % 40;
                    expected += count;
                    pool.forRange(count, (worker, from, to) -> items.addAndGet(to - from));
                }
                assertThat(items.get()).isEqualTo(expected);
            }
        }
    }

    @Test
    void aStalledThreadHoldsUpAJobByOneChunkAtMost() {
        try (WorkerPool pool = new WorkerPool(2)) {
            int count = 2 * WorkerPool.CHUNKS_PER_THREAD * 10;
            int chunk = count / (2 * WorkerPool.CHUNKS_PER_THREAD);
            for (int repeat = 0; repeat < 5; repeat++) {
                int[] ranBy = new int[count];
                pool.forRange(count, (worker, from, to) -> {
                    if (worker == 1) {
                        try {
                            Thread.sleep(200); // stalled, e.g. descheduled by the host
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    for (int i = from; i < to; i++) {
                        ranBy[i] = worker + 1;
                    }
                });
                // worker 1 ran at most the one chunk it took before stalling; the caller took every other chunk
                long byWorker1 = java.util.Arrays.stream(ranBy).filter(w -> w == 2).count();
                assertThat(byWorker1).isIn(0L, (long) chunk);
                assertThat(ranBy).doesNotContain(0);
            }
        }
    }

    @Test
    void aFailureInAWorkerReachesTheCallerAndThePoolStaysUsable() {
        try (WorkerPool pool = new WorkerPool(3)) {
            assertThatThrownBy(() -> pool.forRange(3, (worker, from, to) -> {
                if (from == 2) {
                    throw new IllegalStateException("boom in item 2");
                }
            })).isInstanceOf(IllegalStateException.class).hasMessage("boom in item 2");
            AtomicIntegerArray hits = new AtomicIntegerArray(3);
            pool.forRange(3, (worker, from, to) -> hits.incrementAndGet(from));
            assertThat(hits.get(0) + hits.get(1) + hits.get(2)).isEqualTo(3);
        }
    }

    @Test
    void jobsAfterIdlePeriodsStillComplete() throws InterruptedException {
        try (WorkerPool pool = new WorkerPool(2)) {
            for (int i = 0; i < 5; i++) {
                Thread.sleep(5); // long enough for the workers to stop spinning and park
                AtomicIntegerArray hits = new AtomicIntegerArray(2);
                pool.forRange(2, (worker, from, to) -> hits.incrementAndGet(from));
                assertThat(hits.get(0)).isEqualTo(1);
                assertThat(hits.get(1)).isEqualTo(1);
            }
        }
    }

    @Test
    void nestedUseAndUseAfterCloseAreClearErrors() {
        WorkerPool pool = new WorkerPool(2);
        assertThatThrownBy(() -> pool.forRange(2, (worker, from, to) -> {
            if (worker == 0) {
                pool.forRange(2, (w, f, t) -> { });
            }
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("not reentrant");
        pool.close();
        assertThatThrownBy(() -> pool.forRange(2, (worker, from, to) -> { }))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> new WorkerPool(0)).isInstanceOf(IllegalArgumentException.class);
    }
}

package dev.jllm.runtime.parallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class WorkerPoolTest {

    @Test
    void everyItemRunsExactlyOnceOnContiguousPartsWithValidWorkerIndices() {
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
                        assertThat(workers).hasSize(Math.min(threads, count));
                    }
                }
            }
        }
    }

    @Test
    void theCallerRunsThePartsOfWorkersThatDoNotComeAndDoesNotWaitForThem() {
        // no worker thread runs at all: every part is claimed and run by the caller, under its part's index
        try (WorkerPool pool = new WorkerPool(3, false)) {
            for (int repeat = 0; repeat < 3; repeat++) {
                AtomicIntegerArray hits = new AtomicIntegerArray(100);
                Set<Integer> parts = ConcurrentHashMap.newKeySet();
                Set<Thread> threads = ConcurrentHashMap.newKeySet();
                pool.forRange(100, (worker, from, to) -> {
                    parts.add(worker);
                    threads.add(Thread.currentThread());
                    for (int i = from; i < to; i++) {
                        hits.incrementAndGet(i);
                    }
                });
                for (int i = 0; i < 100; i++) {
                    assertThat(hits.get(i)).isEqualTo(1);
                }
                assertThat(parts).containsExactlyInAnyOrder(0, 1, 2);
                assertThat(threads).containsExactly(Thread.currentThread());
            }
        }
    }

    @Test
    void aPartIsNeverRunTwiceWhenWorkersWakeLateAndJobsRunBackToBack() throws InterruptedException {
        // idle gaps long enough for the workers to park, then bursts of jobs: the caller takes some parts, the
        // workers (woken late) others, and a worker that wakes after its job ended must not run a later job's part
        try (WorkerPool pool = new WorkerPool(3)) {
            for (int round = 0; round < 20; round++) {
                Thread.sleep(1);
                for (int job = 0; job < 200; job++) {
                    AtomicIntegerArray hits = new AtomicIntegerArray(3);
                    pool.forRange(3, (worker, from, to) -> {
                        assertThat(to - from).isEqualTo(1);
                        hits.incrementAndGet(from);
                    });
                    for (int i = 0; i < 3; i++) {
                        assertThat(hits.get(i)).as("round %d job %d part %d", round, job, i).isEqualTo(1);
                    }
                }
            }
        }
    }

    @Test
    void smallJobsUseFewerThreads() {
        try (WorkerPool pool = new WorkerPool(4)) {
            Set<Integer> workers = ConcurrentHashMap.newKeySet();
            pool.forRange(10, 5, (worker, from, to) -> workers.add(worker));
            assertThat(workers).containsExactlyInAnyOrder(0, 1);
            workers.clear();
            pool.forRange(10, 100, (worker, from, to) -> {
                assertThat(from).isZero();
                assertThat(to).isEqualTo(10);
                workers.add(worker);
            });
            assertThat(workers).containsExactly(0);
        }
    }

    @Test
    void aFailureInAWorkerReachesTheCallerAndThePoolStaysUsable() {
        try (WorkerPool pool = new WorkerPool(3)) {
            assertThatThrownBy(() -> pool.forRange(3, (worker, from, to) -> {
                if (worker == 2) {
                    throw new IllegalStateException("boom in worker 2");
                }
            })).isInstanceOf(IllegalStateException.class).hasMessage("boom in worker 2");
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
                pool.forRange(2, (worker, from, to) -> hits.incrementAndGet(worker));
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

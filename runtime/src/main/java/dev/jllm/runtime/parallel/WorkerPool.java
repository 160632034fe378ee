package dev.jllm.runtime.parallel;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of persistent threads that run one range-splitting job at a time. The calling thread
 * is worker 0 and does its share; workers {@code 1 .. threads-1} wait between jobs by spinning
 * briefly (a forward pass issues jobs back to back) and then parking.
 *
 * <p>A job over {@code [0, count)} is cut into contiguous parts, part {@code i} meant for worker
 * {@code i}. Every item is computed whole by one thread with the same code, so results do not depend
 * on the number of threads.
 *
 * <p>A part is run by whoever claims it first for the job ({@code claimed[i]} set to the job's generation by
 * compare-and-set): worker {@code i} as soon as it sees the job, or the caller once its own part is done. So a
 * worker that is parked, or whose vCPU the host has taken away, when a job starts does not hold the job up: the
 * caller runs its part instead of waiting for it to wake up (a wake-up takes about 250 us on this project's 2-vCPU
 * guest, bench/README.md). The caller waits only for the parts that workers claimed. The index a task receives is
 * its part's, not a thread's: the same index may run on the caller in one job and on its worker in the next, never
 * on two threads in one job.
 *
 * <p>One job at a time: {@link #forRange} is not reentrant and must not be called concurrently.
 */
public final class WorkerPool implements AutoCloseable {

    /** The body of a job: handle items {@code [from, to)} on worker {@code worker}. */
    @FunctionalInterface
    public interface RangeTask {
        void run(int worker, int from, int to);
    }

    /** How long an idle thread spins before parking: long enough to bridge consecutive jobs of one pass. */
    private static final long SPIN_NANOS = 50_000;

    private final int threads;
    private final Thread[] workers;
    private final AtomicReferenceArray<Thread> parkedWorkers;

    /** Ints between two parts' claims: 128 bytes, so that no two share a cache line (or its prefetched pair). */
    private static final int STRIDE = 32;

    private final AtomicInteger generation = new AtomicInteger();
    /** Part {@code i}'s claim at {@code i * STRIDE}: the generation of the last job it was claimed for (only grows). */
    private final AtomicIntegerArray claimed;
    /** Parts claimed by workers and not finished, less those finished before the caller counted them. */
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile boolean closed;
    private volatile Thread parkedCaller;

    // Written by the caller before the generation bump (a volatile write), read by workers after reading it.
    private RangeTask task;
    private int count;
    private int parts;

    /** A pool of {@code threads} threads in all, the caller included ({@code threads - 1} are started). */
    public WorkerPool(int threads) {
        this(threads, true);
    }

    /** {@code start} false: no worker thread runs, so the caller claims every part (a test of the take-over). */
    WorkerPool(int threads, boolean start) {
        if (threads < 1) {
            throw new IllegalArgumentException("a worker pool needs at least one thread, got " + threads);
        }
        this.threads = threads;
        this.workers = new Thread[threads];
        this.parkedWorkers = new AtomicReferenceArray<>(threads);
        this.claimed = new AtomicIntegerArray(threads * STRIDE);
        for (int i = 1; i < threads; i++) {
            int index = i;
            Thread t = new Thread(() -> workerLoop(index), "jllm-worker-" + i);
            t.setDaemon(true);
            workers[i] = t;
        }
        for (int i = 1; start && i < threads; i++) {
            workers[i].start();
        }
    }

    /** A pool sized to the available processors. */
    public static WorkerPool ofAvailableProcessors() {
        return new WorkerPool(Runtime.getRuntime().availableProcessors());
    }

    /** Number of threads, the caller included; worker indices passed to tasks are below this. */
    public int threads() {
        return threads;
    }

    /** Runs {@code task} over {@code [0, count)} split across all threads. */
    public void forRange(int count, RangeTask task) {
        forRange(count, 1, task);
    }

    /**
     * Runs {@code task} over {@code [0, count)}, giving each thread at least {@code minPerThread} items
     * (small jobs use fewer threads, or run on the caller alone). Returns when every part is done and
     * rethrows the first failure of any part.
     */
    public void forRange(int count, int minPerThread, RangeTask task) {
        if (count <= 0) {
            return;
        }
        int k = (int) Math.min(threads, Math.max(1, count / Math.max(1, (long) minPerThread)));
        if (k == 1) {
            task.run(0, 0, count);
            return;
        }
        if (closed) {
            throw new IllegalStateException("worker pool is closed");
        }
        if (!busy.compareAndSet(false, true)) {
            throw new IllegalStateException("worker pool is already running a job (forRange is not reentrant)");
        }
        try {
            this.task = task;
            this.count = count;
            this.parts = k;
            int job = generation.get() + 1;
            // parts past k are nobody's: claimed here, before the job is published, so no worker runs them
            for (int i = k; i < threads; i++) {
                claimed.set(i * STRIDE, job);
            }
            generation.set(job);
            for (int i = 1; i < k; i++) {
                Thread t = parkedWorkers.get(i);
                if (t != null) {
                    LockSupport.unpark(t);
                }
            }
            runPart(0);
            int claimedByWorkers = 0;
            for (int i = 1; i < k; i++) {
                if (claim(i, job)) {
                    runPart(i);
                } else {
                    claimedByWorkers++;
                }
            }
            if (claimedByWorkers > 0 && pending.addAndGet(claimedByWorkers) != 0) {
                awaitWorkers();
            }
            this.task = null;
            Throwable t = failure.getAndSet(null);
            if (t != null) {
                if (t instanceof RuntimeException re) {
                    throw re;
                }
                if (t instanceof Error e) {
                    throw e;
                }
                throw new IllegalStateException("worker failed", t);
            }
        } finally {
            busy.set(false);
        }
    }

    /**
     * Whether this thread claimed part {@code index} of job {@code job}: false when it was claimed for this job or a
     * later one (a worker that woke late holds an old job's number, and must not take a later job's part). Generations
     * are compared by their difference, which stays right when the counter wraps around.
     */
    private boolean claim(int index, int job) {
        int c = claimed.get(index * STRIDE);
        return c - job < 0 && claimed.compareAndSet(index * STRIDE, c, job);
    }

    private void runPart(int index) {
        int from = (int) ((long) index * count / parts);
        int to = (int) ((long) (index + 1) * count / parts);
        try {
            task.run(index, from, to);
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        }
    }

    private void awaitWorkers() {
        long spinUntil = System.nanoTime() + SPIN_NANOS;
        int spins = 0;
        while (pending.get() != 0) {
            if ((++spins & 63) != 0 || System.nanoTime() < spinUntil) {
                Thread.onSpinWait();
                continue;
            }
            // Publish that we park, then re-check (the last worker checks parkedCaller after its decrement).
            parkedCaller = Thread.currentThread();
            if (pending.get() != 0) {
                LockSupport.park(this);
            }
            parkedCaller = null;
        }
    }

    private void workerLoop(int index) {
        // Generation 0 is the pool's initial state: a job published before this thread got here is still seen.
        int seen = 0;
        while (true) {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            int spins = 0;
            int current;
            while ((current = generation.get()) == seen) {
                if ((++spins & 63) != 0 || System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                    continue;
                }
                // Dekker-style handshake with forRange: publish the park, then re-check the generation.
                parkedWorkers.set(index, Thread.currentThread());
                if (generation.get() == seen && !closed) {
                    LockSupport.park(this);
                }
                parkedWorkers.set(index, null);
                if (closed) {
                    return;
                }
            }
            seen = current;
            if (closed) {
                return;
            }
            // A claim won means the caller waits for this part, so the job's fields (read after it) stay this job's.
            // Lost: the caller took the part, or the job is past (this thread woke late), or it has no part here.
            if (!claim(index, current)) {
                continue;
            }
            runPart(index);
            if (pending.decrementAndGet() == 0) {
                Thread caller = parkedCaller;
                if (caller != null) {
                    LockSupport.unpark(caller);
                }
            }
        }
    }

    /** Stops the worker threads; the pool cannot be used afterwards. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        generation.incrementAndGet();
        for (int i = 1; i < threads; i++) {
            LockSupport.unpark(workers[i]);
        }
        for (int i = 1; i < threads; i++) {
            try {
                workers[i].join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}

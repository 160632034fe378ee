package dev.jllm.runtime.parallel;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of persistent threads that run one range-splitting job at a time. The calling thread
 * is worker 0 and does its share; workers {@code 1 .. threads-1} wait between jobs by spinning
 * briefly (a forward pass issues jobs back to back) and then parking.
 *
 * <p>A job over {@code [0, count)} is cut into up to {@link #CHUNKS_PER_THREAD} contiguous chunks per thread it
 * can use, which the threads take in order, each as soon as it is free; the caller waits for the chunks, not for
 * the threads. So a thread that the operating system (or, on a virtual machine, the host) has not scheduled
 * holds a job up by nothing if it had not started a chunk, and by one chunk if it had: with a static half per
 * thread, every job of a forward pass waited for a descheduled worker, which made two threads on a busy machine
 * twenty times slower than one. Every item is computed whole by one thread with the same code, so results
 * depend neither on the number of threads nor on which thread ran what.
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

    /** Chunks per thread taking part in a job (fewer when the job has fewer items than that). */
    static final int CHUNKS_PER_THREAD = 4;

    /** The most threads a pool may have: a job's chunk count must fit in 16 bits of {@link #cursor}. */
    static final int MAX_THREADS = 0xFFFF / CHUNKS_PER_THREAD;

    private final int threads;
    private final Thread[] workers;
    private final AtomicReferenceArray<Thread> parkedWorkers;

    private final AtomicInteger generation = new AtomicInteger();
    /**
     * The job's generation (bits 32..63), its chunk count (16..31) and its next chunk (0..15), in one word so that a
     * thread tests all three in one read and takes a chunk by CAS: a thread still in an earlier job can neither
     * take a chunk of the current one nor read the current job's count as its own.
     */
    private final AtomicLong cursor = new AtomicLong();
    /** Chunks of the current job finished (or failed). */
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile boolean closed;
    private volatile Thread parkedCaller;

    // Written by the caller before the generation bump (a volatile write), read by workers after reading it.
    private RangeTask task;
    private int count;
    private int chunks;

    /** A pool of {@code threads} threads in all, the caller included ({@code threads - 1} are started). */
    public WorkerPool(int threads) {
        if (threads < 1 || threads > MAX_THREADS) {
            throw new IllegalArgumentException("a worker pool needs 1 to " + MAX_THREADS + " threads, got " + threads);
        }
        this.threads = threads;
        this.workers = new Thread[threads];
        this.parkedWorkers = new AtomicReferenceArray<>(threads);
        for (int i = 1; i < threads; i++) {
            int index = i;
            Thread t = new Thread(() -> workerLoop(index), "jllm-worker-" + i);
            t.setDaemon(true);
            workers[i] = t;
        }
        for (int i = 1; i < threads; i++) {
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
            this.chunks = (int) Math.min((long) k * CHUNKS_PER_THREAD, Math.max(k, count / Math.max(1, (long) minPerThread)));
            done.set(0);
            int gen = generation.get() + 1;
            cursor.set((long) gen << 32 | (long) chunks << 16);
            generation.set(gen);
            for (int i = 1; i < threads; i++) {
                Thread t = parkedWorkers.get(i);
                if (t != null) {
                    LockSupport.unpark(t);
                }
            }
            runChunks(0, gen);
            awaitChunks();
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

    /** Takes and runs chunks of job {@code gen} on worker {@code index} until none is left. */
    private void runChunks(int index, int gen) {
        long c;
        while ((c = take(gen)) >= 0) {
            // chunk c of job gen is not finished, so the caller is still in that job and its fields are that job's
            int chunk = (int) (c & 0xFFFF);
            int total = (int) (c >>> 16 & 0xFFFF);
            try {
                task.run(index, (int) ((long) chunk * count / total), (int) ((long) (chunk + 1) * count / total));
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
            if (done.incrementAndGet() == total) {
                Thread caller = parkedCaller;
                if (caller != null) {
                    LockSupport.unpark(caller);
                }
            }
        }
    }

    /** The cursor word with the chunk taken of job {@code gen}, or -1 when that job has none left (or is over). */
    private long take(int gen) {
        while (true) {
            long c = cursor.get();
            if ((int) (c >>> 32) != gen || (c & 0xFFFF) >= (c >>> 16 & 0xFFFF)) {
                return -1;
            }
            if (cursor.compareAndSet(c, c + 1)) {
                return c & 0xFFFFFFFFL;
            }
        }
    }

    private void awaitChunks() {
        long spinUntil = System.nanoTime() + SPIN_NANOS;
        int spins = 0;
        while (done.get() != chunks) {
            if ((++spins & 63) != 0 || System.nanoTime() < spinUntil) {
                Thread.onSpinWait();
                continue;
            }
            // Publish that we park, then re-check (the thread finishing the last chunk checks parkedCaller after
            // its increment).
            parkedCaller = Thread.currentThread();
            if (done.get() != chunks) {
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
            runChunks(index, current);
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

package dev.jllm.runtime.parallel;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of persistent threads that run one range-splitting job at a time. The calling thread
 * is worker 0 and does its share; workers {@code 1 .. threads-1} wait between jobs by spinning
 * briefly (a forward pass issues jobs back to back) and then parking.
 *
 * <p>A job over {@code [0, count)} is cut into contiguous parts, part {@code i} going to worker
 * {@code i}. Every item is computed whole by one thread with the same code, so results do not depend
 * on the number of threads.
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

    private final AtomicInteger generation = new AtomicInteger();
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
        if (threads < 1) {
            throw new IllegalArgumentException("a worker pool needs at least one thread, got " + threads);
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
            this.parts = k;
            pending.set(threads - 1);
            generation.incrementAndGet();
            for (int i = 1; i < threads; i++) {
                Thread t = parkedWorkers.get(i);
                if (t != null) {
                    LockSupport.unpark(t);
                }
            }
            runPart(0);
            awaitWorkers();
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

    private void runPart(int index) {
        if (index >= parts) {
            return;
        }
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

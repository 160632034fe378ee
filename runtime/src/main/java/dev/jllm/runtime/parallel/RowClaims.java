package dev.jllm.runtime.parallel;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The rows of one matrix product, handed to the threads that compute it so that a thread the host runs slower
 * does not hold the others up. Each thread owns a contiguous part, as {@link WorkerPool#forRange} would give it,
 * and takes it front to back a chunk at a time: one stream through memory, as with a fixed split. A thread whose
 * part is done takes chunks from the back of the part with the most rows left, so a late thread's tail is
 * finished by the others.
 *
 * <p>Why not one shared counter that every thread claims chunks from: on this project's 2-vCPU guest that measured
 * up to 6% slower than the fixed split when both vCPUs ran at full speed (bench/README.md, issue #18), and it
 * interleaves the threads' streams. Here, threads of equal speed never take from each other's part.
 *
 * <p>Invariants: between {@link #reset} and the last {@link #next} returning {@code -1}, every row of
 * {@code [0, rows)} is handed out exactly once; parts and chunks start on multiples of {@link #ALIGN} rows (the
 * packed kernels' pairs of 16-row groups), except where a part is empty. Which thread computes a row
 * depends on timing, so a matmul using this must compute each row the same whatever its range (the
 * {@code WeightTensor.matmul} contract).
 */
public final class RowClaims {

    /** Rows a part or chunk starts on a multiple of. */
    public static final int ALIGN = 32;
    /** Longs between two workers' cursors: 128 bytes, so they never share a cache line (or its prefetched pair). */
    private static final int STRIDE = 16;

    /** Worker {@code w}'s unclaimed rows at {@code w * STRIDE}: {@code front << 32 | back}, empty when equal. */
    private final AtomicLongArray cursors;
    private final int threads;
    private int parts;
    private int chunk;

    /** Claims for jobs run by at most {@code threads} workers. */
    public RowClaims(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("row claims need at least one thread, got " + threads);
        }
        this.threads = threads;
        this.cursors = new AtomicLongArray(threads * STRIDE);
    }

    /**
     * Splits {@code [0, rows)} into {@code parts} parts (workers {@code 0 .. parts-1}), taken {@code chunk} rows
     * at a time (rounded up to {@link #ALIGN}). Called by the thread that then starts the job: the job's start
     * publishes the cursors to the workers.
     */
    public void reset(int rows, int chunk, int parts) {
        if (parts < 1 || parts > threads) {
            throw new IllegalArgumentException("parts must be in [1, " + threads + "], got " + parts);
        }
        if (rows < 0 || chunk < 1) {
            throw new IllegalArgumentException("rows " + rows + " and chunk " + chunk + " must be >= 0 and >= 1");
        }
        this.parts = parts;
        this.chunk = (int) Math.min(Integer.MAX_VALUE & -ALIGN, ((long) chunk + ALIGN - 1) & -ALIGN);
        int from = 0;
        for (int w = 0; w < parts; w++) {
            int to = w == parts - 1 ? rows : Math.max(from, (int) ((long) (w + 1) * rows / parts) & -ALIGN);
            cursors.setPlain(w * STRIDE, pack(from, to));
            from = to;
        }
    }

    /**
     * The next rows for worker {@code worker} (below the constructor's {@code threads}) as {@code from << 32 | to},
     * or {@code -1} when no rows are left: a chunk from the front of its own part (if {@code worker} has one), else
     * one from the back of the part with the most rows left.
     */
    public long next(int worker) {
        int at = worker * STRIDE;
        long c;
        // a worker past the parts (a job over several matrices split in different numbers of parts) only takes over
        while (worker < parts && front(c = cursors.get(at)) < back(c)) {
            int from = front(c);
            int to = Math.min(back(c), from + chunk);
            if (cursors.compareAndSet(at, c, pack(to, back(c)))) {
                return pack(from, to);
            }
        }
        while (true) {
            int victim = -1;
            int most = 0;
            for (int w = 0; w < parts; w++) {
                long v = cursors.get(w * STRIDE);
                if (back(v) - front(v) > most) {
                    most = back(v) - front(v);
                    victim = w;
                }
            }
            if (victim < 0) {
                return -1;
            }
            int vat = victim * STRIDE;
            long v = cursors.get(vat);
            if (front(v) >= back(v)) {
                continue;
            }
            int to = back(v);
            int from = Math.max(front(v), (to - chunk) & -ALIGN);
            if (cursors.compareAndSet(vat, v, pack(front(v), from))) {
                return pack(from, to);
            }
        }
    }

    /** The first row of a claim {@link #next} returned. */
    public static int from(long claim) {
        return (int) (claim >>> 32);
    }

    /** The end (exclusive) of a claim {@link #next} returned. */
    public static int to(long claim) {
        return (int) claim;
    }

    private static long pack(int from, int to) {
        return (long) from << 32 | (to & 0xFFFF_FFFFL);
    }

    private static int front(long cursor) {
        return (int) (cursor >>> 32);
    }

    private static int back(long cursor) {
        return (int) cursor;
    }
}

package dev.jllm.server.admission;

import dev.jllm.server.openai.ApiError;
import dev.jllm.server.openai.ApiException;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Admission control: at most {@code parallel} generations run per instance; a bounded number more wait, in
 * arrival order, for at most {@code maxWait}; the rest are refused at once with 503 and Retry-After. Waiting here
 * instead of inside the instance keeps an overloaded server answering quickly and honestly.
 */
public final class GenerationSlots {

    private final int parallel;
    private final int maxQueued;
    private final Duration maxWait;
    private final Map<String, Pool> pools = new ConcurrentHashMap<>();

    private static final class Pool {
        final Semaphore permits;
        final AtomicInteger waiting = new AtomicInteger();

        Pool(int parallel) {
            permits = new Semaphore(parallel, true);
        }
    }

    /** One held slot; closing it (once) lets the next generation in. */
    public interface Slot extends AutoCloseable {
        @Override
        void close();
    }

    public GenerationSlots(int parallel, int maxQueued, Duration maxWait) {
        if (parallel < 1 || maxQueued < 0) {
            throw new IllegalArgumentException("parallel must be >= 1 and maxQueued >= 0");
        }
        this.parallel = parallel;
        this.maxQueued = maxQueued;
        this.maxWait = maxWait;
    }

    /** Takes a slot on the instance, waiting in line if allowed; 503 when the line is full or too slow. */
    public Slot acquire(String instance) {
        Pool p = pools.computeIfAbsent(instance, k -> new Pool(parallel));
        if (p.permits.tryAcquire()) {
            return release(p);
        }
        if (p.waiting.incrementAndGet() > maxQueued) {
            p.waiting.decrementAndGet();
            throw new ApiException(ApiError.overloaded("instance '" + instance + "' is busy: " + parallel
                    + " generations running and " + maxQueued + " waiting; try again shortly", Duration.ofSeconds(1)));
        }
        try {
            if (!p.permits.tryAcquire(maxWait.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new ApiException(ApiError.overloaded("instance '" + instance + "' stayed busy for "
                        + maxWait.toSeconds() + "s; try again shortly", Duration.ofSeconds(2)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(ApiError.overloaded("interrupted while waiting for a slot",
                    Duration.ofSeconds(1)));
        } finally {
            p.waiting.decrementAndGet();
        }
        return release(p);
    }

    /**
     * Like {@link #acquire} but without a bound on the line (for jobs, which queue by design); still at most
     * {@code maxWait}, so that a job does not wait for ever behind generations that never end: then a 503.
     */
    public Slot acquireWaiting(String instance) throws InterruptedException {
        Pool p = pools.computeIfAbsent(instance, k -> new Pool(parallel));
        p.waiting.incrementAndGet();
        try {
            if (!p.permits.tryAcquire(maxWait.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new ApiException(ApiError.overloaded("instance '" + instance + "' stayed busy for "
                        + maxWait.toSeconds() + "s; try again shortly", Duration.ofSeconds(2)));
            }
        } finally {
            p.waiting.decrementAndGet();
        }
        return release(p);
    }

    private static Slot release(Pool p) {
        AtomicBoolean done = new AtomicBoolean();
        return () -> {
            if (done.compareAndSet(false, true)) {
                p.permits.release();
            }
        };
    }

    /** Generations running on an instance now. */
    public int active(String instance) {
        Pool p = pools.get(instance);
        return p == null ? 0 : parallel - p.permits.availablePermits();
    }

    /** Generations waiting for a slot, over all instances. */
    public int waiting() {
        int n = 0;
        for (Pool p : pools.values()) {
            n += p.waiting.get();
        }
        return n;
    }

    public Iterable<String> instances() {
        return pools.keySet();
    }

    public int parallel() {
        return parallel;
    }
}

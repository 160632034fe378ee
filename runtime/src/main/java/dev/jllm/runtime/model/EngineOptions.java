package dev.jllm.runtime.model;

import dev.jllm.runtime.parallel.Cores;
import dev.jllm.runtime.tensor.Simd;

/**
 * How a model runs (not what it computes: results are identical for every thread count).
 *
 * @param threads            threads of the worker pool, the calling thread included
 * @param vectorized         Vector API kernels (true) or the scalar reference kernels (false)
 * @param minWorkPerThread   multiply-adds below which a job is not split further across threads; 1 splits
 *                           everything (tests use it to exercise the parallel paths on tiny models)
 */
public record EngineOptions(int threads, boolean vectorized, long minWorkPerThread) {

    /** Default split threshold: below ~16K multiply-adds, waking another thread costs more than it saves. */
    public static final long DEFAULT_MIN_WORK_PER_THREAD = 16_384;

    public EngineOptions {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        if (minWorkPerThread < 1) {
            throw new IllegalArgumentException("minWorkPerThread must be at least 1, got " + minWorkPerThread);
        }
    }

    /** One thread per physical core, vector kernels unless {@code -Djllm.vector.bits=0}. */
    public static EngineOptions defaults() {
        return new EngineOptions(Cores.physical(), Simd.VECTOR_BY_DEFAULT,
                DEFAULT_MIN_WORK_PER_THREAD);
    }

    public EngineOptions withThreads(int threads) {
        return new EngineOptions(threads, vectorized, minWorkPerThread);
    }
}

package dev.jllm.runtime.perf;

import dev.jllm.runtime.kv.KvCache;
import dev.jllm.runtime.kv.KvType;
import dev.jllm.runtime.model.Batch;
import dev.jllm.runtime.model.LlamaModel;
import java.util.SplittableRandom;

/**
 * Prompt and generation speed of a model, measured as llama-bench does: {@code pp} evaluates a prompt of
 * {@code p} tokens as one batch, {@code tg} evaluates {@code n} tokens one at a time (each with its logits),
 * both from an empty cache; untimed warm-up runs, then {@code runs} timed runs. Tokens are random (seeded), since
 * speed does not depend on them.
 *
 * <p>With a depth {@code d} (llama-bench's {@code -d}), each run starts from a cache already holding {@code d}
 * positions (evaluated untimed), so {@code tg} measures decoding at a long context, where attention over the KV
 * cache of {@link KvType} weighs most.
 *
 * <p>The warm-up repeats until two consecutive runs agree within {@value #SETTLED} and it has lasted
 * {@value #MIN_WARMUP_MILLIS} ms (beyond {@value #MAX_WARMUPS} runs, the time alone ends it): the JIT compiles the
 * kernels during the first runs (a TinyLlama pp128 ran at 35-41 tok/s, then 68-86, then steady at 84), and the
 * speed of interest is the warm one a running server has. The time floor is for tiny models: stories260K's tg64
 * takes milliseconds, so two runs still in the interpreter or C1 can agree long before C2 has compiled the forward
 * pass (tg64 1,966 t/s after five such runs, 12,957 warm).
 */
public final class ModelBench {

    /** Both results. */
    public record Result(Throughput pp, Throughput tg) {
    }

    private final LlamaModel model;
    private final int[] tokens;
    private final KvType kvType;
    private final int depth;
    private KvCache cache;
    private int nextSequence = 1;

    /** An F32 cache, no depth. */
    public ModelBench(LlamaModel model, int maxTokens) {
        this(model, maxTokens, KvType.F32, 0);
    }

    /** Caches of {@code kvType}, each run after {@code depth} positions evaluated untimed. */
    public ModelBench(LlamaModel model, int maxTokens, KvType kvType, int depth) {
        if (depth < 0) {
            throw new IllegalArgumentException("depth must be 0 or more, got " + depth);
        }
        this.model = model;
        this.kvType = kvType;
        this.depth = depth;
        SplittableRandom rnd = new SplittableRandom(42);
        this.tokens = new int[maxTokens + depth];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = rnd.nextInt(model.config().vocabSize());
        }
    }

    /** {@code p} or {@code n} of 0 skips that test (its result is null). */
    public Result run(int p, int n, int runs) {
        if (p < 0 || n < 0 || runs < 1 || Math.max(p, n) > tokens.length - depth) {
            throw new IllegalArgumentException("need 0 <= p, n <= " + (tokens.length - depth) + " and runs >= 1");
        }
        Throughput pp = p == 0 ? null : measure(p, runs, true);
        Throughput tg = n == 0 ? null : measure(n, runs, false);
        return new Result(pp, tg);
    }

    /** Relative difference under which two consecutive warm-up runs count as settled. */
    static final double SETTLED = 0.1;
    /** Untimed warm-up runs of a test after which the time floor alone ends the warm-up. */
    static final int MAX_WARMUPS = 5;
    /** Least time a test's warm-up lasts. */
    static final long MIN_WARMUP_MILLIS = 2000;

    private Throughput measure(int count, int runs, boolean prompt) {
        // a decode step returns its logits in a new array (1 MB for a 262,144-entry vocabulary); a prompt, the last
        // token's only
        long allowed = Throughput.ALLOCATION_WARNING_BYTES + (prompt ? 0 : 4L * model.config().vocabSize());
        long started = System.nanoTime();
        long previous = prompt ? prompt(count) : generate(count);
        for (int w = 1; ; w++) {
            boolean longEnough = System.nanoTime() - started >= MIN_WARMUP_MILLIS * 1_000_000;
            if (w >= MAX_WARMUPS && longEnough) {
                break;
            }
            long t = prompt ? prompt(count) : generate(count);
            boolean settled = Math.abs(t - previous) <= SETTLED * previous;
            previous = t;
            if (settled && longEnough) {
                break;
            }
        }
        double[] seconds = new double[runs];
        long allocatedBefore = HeapAllocation.total();
        for (int r = 0; r < runs; r++) {
            seconds[r] = (prompt ? prompt(count) : generate(count)) / 1e9;
        }
        long allocatedAfter = HeapAllocation.total();
        long perToken = allocatedBefore < 0 || allocatedAfter < 0 ? -1
                : (allocatedAfter - allocatedBefore) / ((long) count * runs);
        return Throughput.of(count, seconds, perToken, allowed);
    }

    /**
     * A new sequence of the bench's cache starting with the {@code depth} positions: they are evaluated once, on
     * first use, and shared by every run's sequence (copy-on-write), so only the measured tokens are evaluated again.
     */
    private int start() {
        if (cache == null) {
            cache = model.newKvCache(tokens.length, Long.MAX_VALUE, kvType);
            if (depth > 0) {
                Batch b = new Batch(depth);
                for (int i = 0; i < depth; i++) {
                    b.add(tokens[tokens.length - depth + i], i, 0, i == depth - 1);
                }
                model.forward(b, cache);
            }
        }
        int id = nextSequence++;
        if (depth > 0) {
            cache.share(0, id, depth);
        }
        return id;
    }

    /**
     * Bytes of KV pages the bench's cache holds between runs: the {@code depth} positions' pages (0 before the first
     * run or without depth), what that context costs in the bench's KV type.
     */
    public long kvUsedBytes() {
        return cache == null ? 0 : cache.usedBytes();
    }

    /** Seconds to evaluate a {@code p}-token prompt as one batch from an empty cache (one timed run). */
    public double promptSeconds(int p) {
        return prompt(p) / 1e9;
    }

    /** Seconds to evaluate {@code n} tokens one at a time, each with its logits, from an empty cache. */
    public double generateSeconds(int n) {
        return generate(n) / 1e9;
    }

    private long prompt(int p) {
        int seq = start();
        Batch b = new Batch();
        for (int i = 0; i < p; i++) {
            b.add(tokens[i], depth + i, seq, i == p - 1);
        }
        long start = System.nanoTime();
        model.forward(b, cache);
        long nanos = System.nanoTime() - start;
        cache.drop(seq);
        return nanos;
    }

    private long generate(int n) {
        int seq = start();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            Batch b = new Batch();
            b.add(tokens[i], depth + i, seq, true);
            model.forward(b, cache);
        }
        long nanos = System.nanoTime() - start;
        cache.drop(seq);
        return nanos;
    }
}

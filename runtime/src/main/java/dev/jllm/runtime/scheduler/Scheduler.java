package dev.jllm.runtime.scheduler;

import dev.jllm.api.LlmException;
import dev.jllm.runtime.kv.ContextOverflowException;
import dev.jllm.runtime.kv.KvCache;
import dev.jllm.runtime.kv.KvCacheFullException;
import dev.jllm.runtime.kv.PrefixCache;
import dev.jllm.runtime.model.Batch;
import dev.jllm.runtime.model.LlamaModel;
import dev.jllm.runtime.model.Logits;
import dev.jllm.runtime.sampling.grammar.GrammarMatcher;
import dev.jllm.runtime.sampling.grammar.TokenTrie;
import dev.jllm.runtime.tokenizer.Tokenizer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Continuous batching for one model: all running sequences advance together, one forward pass per step, so the
 * weights are read once per step for all of them.
 *
 * <p>Each step, on the scheduler's own thread: sequences whose reader cancelled leave (their slot is free for
 * this very step); waiting requests take free slots, starting from the longest matching prefix in the KV cache
 * (a finished sequence kept by the {@link PrefixCache}, or a running one); then one {@link Batch} holds the next
 * token of every running sequence and, up to {@link SchedulerConfig#chunkTokens} tokens in all (at most
 * {@link SchedulerConfig#interleaveTokens} prompt tokens while others decode), a chunk of the prompts still being
 * evaluated, oldest first; after the forward pass each sequence with logits samples its next
 * token. Finished sequences leave their KV entries to the prefix cache.
 *
 * <p>{@link #submit} never waits: a request gets a slot, or a place in the queue, or fails at once with
 * RATE_LIMITED. When the KV memory budget runs short, cached prefixes are evicted (least recently used first),
 * then the youngest running sequence is preempted: its cache is dropped and it waits at the head of the queue,
 * to be evaluated again (with identical results) when memory frees up.
 *
 * <p>A token's logits do not depend on the batch it is evaluated in (the model guarantees it), so a greedy
 * sequence produces the same tokens alone, batched, chunked, preempted or starting from a cached prefix.
 */
public final class Scheduler implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Scheduler.class.getName());

    /** How long an idle scheduler sleeps between looks when nobody wakes it (a safety net, not a poll). */
    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final String name;
    private final LlamaModel net;
    private final Tokenizer tokenizer;
    private final Set<Integer> endOfGeneration;
    private final SchedulerConfig config;
    private final int vocabSize;

    // shared with submitting threads
    private final Object submitLock = new Object();
    private final ConcurrentLinkedQueue<Sequence> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicInteger outstanding = new AtomicInteger();
    private volatile boolean closed;
    private volatile SchedulerStats stats;
    private final Thread thread;

    // the scheduler thread's own state
    private final KvCache kv;
    private final PrefixCache prefixes;
    private final ArrayDeque<Sequence> waiting = new ArrayDeque<>();
    private final List<Sequence> active = new ArrayList<>();
    private final Batch batch = new Batch(64);
    private final List<Sequence> planned = new ArrayList<>();
    private int[] plannedCounts = new int[16];
    private int[] logitsIndex = new int[16];
    private long admissions;
    private long steps;
    private long preemptions;
    private int nextId;
    private boolean memoryShort;

    /**
     * A scheduler with its own thread, started at once (it sleeps while there is nothing to do).
     *
     * @param name            for the thread's name and messages (the model's id)
     * @param endOfGeneration tokens that end a generation
     */
    public Scheduler(String name, LlamaModel net, Tokenizer tokenizer, Set<Integer> endOfGeneration,
                     SchedulerConfig config) {
        this(name, net, tokenizer, endOfGeneration, config, true);
    }

    /** Without a thread ({@code start == false}), {@link #step} is driven by the caller (tests). */
    Scheduler(String name, LlamaModel net, Tokenizer tokenizer, Set<Integer> endOfGeneration, SchedulerConfig config,
              boolean start) {
        this.name = name;
        this.net = net;
        this.tokenizer = tokenizer;
        this.endOfGeneration = Set.copyOf(endOfGeneration);
        this.config = config;
        this.vocabSize = net.config().vocabSize();
        this.kv = net.newKvCache(config.contextSize(), config.kvMemoryBytes(), config.kvType());
        this.prefixes = new PrefixCache(kv, config.prefixEntries());
        publishStats();
        if (start) {
            this.thread = Thread.ofPlatform().name("jllm-scheduler-" + name).daemon(true).unstarted(this::run);
            thread.start();
        } else {
            this.thread = null;
        }
    }

    public SchedulerConfig config() {
        return config;
    }

    public SchedulerStats stats() {
        return stats;
    }

    /**
     * Queues a generation. Its events arrive on the returned handle; its first step can come before this returns.
     *
     * @throws LlmException INVALID_REQUEST for an empty prompt or bad sampling settings, CONTEXT_LENGTH_EXCEEDED
     *                      for a prompt that leaves no room to generate, RATE_LIMITED when every slot is busy
     *                      and the queue is full, UNAVAILABLE once closed
     */
    public SequenceHandle submit(SequenceRequest request) {
        int[] prompt = request.prompt();
        if (prompt.length == 0) {
            throw LlmException.invalid("the prompt is empty (no tokens)");
        }
        if (prompt.length >= config.contextSize()) {
            throw new LlmException(LlmException.Kind.CONTEXT_LENGTH_EXCEEDED, "the prompt has " + prompt.length
                    + " tokens but the context holds " + config.contextSize()
                    + ", leaving no room to generate: shorten the prompt or raise the context size");
        }
        for (int t : prompt) {
            if (t < 0 || t >= vocabSize) {
                throw LlmException.invalid("prompt token " + t + " is outside the vocabulary [0, " + vocabSize + ")");
            }
        }
        SequenceHandle handle = new SequenceHandle(this::wake, outstanding::decrementAndGet);
        Sequence s;
        try {
            GrammarMatcher grammar = request.grammar() == null ? null
                    : request.grammar().matcher(TokenTrie.of(tokenizer, endOfGeneration));
            Set<Integer> preserved = request.preservedTokens();
            s = new Sequence(handle, request, config.contextSize(), vocabSize, preserved.isEmpty()
                    ? tokenizer.newStreamingDecoder() : tokenizer.newStreamingDecoder(preserved::contains),
                    endOfGeneration, grammar);
        } catch (IllegalArgumentException e) {
            throw LlmException.invalid(e.getMessage());
        }
        synchronized (submitLock) {
            if (closed) {
                throw new LlmException(LlmException.Kind.UNAVAILABLE, "model " + name + " is being unloaded");
            }
            int limit = config.slots() + config.maxQueue();
            if (outstanding.get() >= limit) {
                throw new LlmException(LlmException.Kind.RATE_LIMITED, "model " + name + " is busy: all "
                        + config.slots() + " slots are generating and " + config.maxQueue()
                        + " requests are waiting; retry in a moment");
            }
            outstanding.incrementAndGet();
            inbox.add(s);
        }
        wake();
        return handle;
    }

    private void wake() {
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    private void run() {
        while (!closed) {
            boolean worked;
            try {
                worked = step();
            } catch (Throwable t) {
                // Never let the thread die with readers waiting: fail what ran and carry on.
                LOG.log(System.Logger.Level.ERROR, "scheduler of " + name + " failed a step", t);
                failAll(new ArrayList<>(active), internal(t));
                worked = true;
            }
            if (!worked && !closed) {
                LockSupport.parkNanos(this, IDLE_PARK_NANOS);
            }
        }
    }

    // ------------------------------------------------------------------ one step

    /** Runs one step; false when there was nothing to evaluate (everything idle, or paused by slow readers). */
    boolean step() {
        takeSubmissions();
        dropCancelled();
        admit();
        while (true) {
            plan();
            if (batch.isEmpty()) {
                publishStats();
                return false;
            }
            if (makeRoom()) {
                break;
            }
        }
        Logits logits;
        try {
            logits = net.forward(batch, kv);
        } catch (KvCacheFullException e) {
            // makeRoom() counted what the batch needs, so this is unexpected: make room the hard way
            LOG.log(System.Logger.Level.WARNING, "KV cache of " + name + " full despite planning: " + e.getMessage());
            preemptYoungest();
            return true;
        } catch (ContextOverflowException e) {
            failAll(planned.stream().filter(s -> s.id == e.sequenceId()).toList(),
                    new LlmException(LlmException.Kind.CONTEXT_LENGTH_EXCEEDED, e.getMessage(), e));
            return true;
        } catch (RuntimeException | OutOfMemoryError e) {
            LOG.log(System.Logger.Level.ERROR, "forward pass of " + name + " failed", e);
            failAll(new ArrayList<>(planned), internal(e));
            return true;
        }
        steps++;
        for (int i = 0; i < planned.size(); i++) {
            Sequence s = planned.get(i);
            s.kvLength += plannedCounts[i];
            if (logitsIndex[i] >= 0) {
                try {
                    s.onLogits(logits.get(logitsIndex[i]));
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "sampling failed in " + name, e);
                    fail(s, internal(e));
                }
            }
        }
        for (Sequence s : new ArrayList<>(active)) {
            if (s.isFinished()) {
                retire(s);
            }
        }
        publishStats();
        return true;
    }

    private void takeSubmissions() {
        Sequence s;
        while ((s = inbox.poll()) != null) {
            waiting.addLast(s);
        }
    }

    /** Readers that cancelled leave before the batch is planned, so their slot serves this step already. */
    private void dropCancelled() {
        for (Sequence s : new ArrayList<>(active)) {
            if (s.handle.isCancelled()) {
                s.finish(FinishReason.CANCELLED);
                retire(s);
            }
        }
        waiting.removeIf(s -> {
            if (!s.handle.isCancelled()) {
                return false;
            }
            s.finish(FinishReason.CANCELLED);
            s.handle.deliver(new SequenceEvent.Finished(s.outcome()));
            s.handle.release();
            return true;
        });
    }

    /** Gives free slots to waiting requests, each starting from the longest prefix the cache holds. */
    private void admit() {
        while (active.size() < config.slots() && !waiting.isEmpty() && (!memoryShort || active.isEmpty())) {
            Sequence s = waiting.pollFirst();
            s.id = newSequenceId();
            s.kvLength = 0;
            int reusable = s.length() - 1; // the last token is evaluated whatever the cache holds: it gives the logits
            PrefixCache.Match best = prefixes.longestPrefix(s.history(), reusable);
            boolean fromRunning = false;
            for (Sequence other : active) {
                int n = PrefixCache.commonPrefix(other.history(), other.kvLength, s.history(), reusable);
                if (n > best.length()) {
                    best = new PrefixCache.Match(other.id, n);
                    fromRunning = true;
                }
            }
            if (best.length() > 0) {
                kv.share(best.sequenceId(), s.id, best.length());
                s.kvLength = best.length();
                if (!fromRunning) {
                    prefixes.touch(best.sequenceId());
                }
            }
            s.admitted(admissions++, Math.min(s.kvLength, s.prompt.length));
            active.add(s);
        }
    }

    /**
     * Fills the batch: one token of each running sequence, then prompt chunks, oldest first, within the budget
     * (smaller while sequences are decoding, so their tokens keep coming).
     */
    private void plan() {
        batch.clear();
        planned.clear();
        for (Sequence s : active) {
            if (s.pending() == 1 && !s.handle.isBacklogged()) {
                addToBatch(s, 1);
            }
        }
        int decoding = batch.size();
        int budget = decoding == 0 ? config.chunkTokens()
                : Math.max(1, Math.min(config.interleaveTokens(), config.chunkTokens() - decoding));
        for (Sequence s : active) {
            if (budget == 0) {
                break;
            }
            if (s.pending() > 1 && !s.handle.isBacklogged() && !waitsForSharedPrefix(s)) {
                int n = Math.min(s.pending(), budget);
                addToBatch(s, n);
                budget -= n;
            }
        }
    }

    /**
     * A prompt that an older running sequence is evaluating too (the choices of an {@code n > 1} request,
     * identical prompts arriving together) is evaluated once: the younger sequence waits until the older one's
     * cache holds all of it but the last token, then shares those pages instead of computing them again.
     *
     * @return true while {@code s} waits
     */
    private boolean waitsForSharedPrefix(Sequence s) {
        int reusable = s.length() - 1;
        for (Sequence older : active) {
            if (older == s || older.admission >= s.admission || older.id < 0) {
                continue;
            }
            // Only a whole prompt is worth waiting for: prompts that merely share an opening (a BOS, a system
            // message) are evaluated side by side, as before, and share what is cached when they are admitted.
            int common = PrefixCache.commonPrefix(older.history(), older.length(), s.history(), reusable);
            if (common < reusable || common <= s.kvLength) {
                continue;
            }
            if (older.kvLength < common) {
                return true;
            }
            kv.drop(s.id);
            kv.share(older.id, s.id, common);
            s.kvLength = common;
            s.sharedPrefix(Math.min(common, s.prompt.length));
            return false;
        }
        return false;
    }

    private void addToBatch(Sequence s, int count) {
        int i = planned.size();
        if (i == plannedCounts.length) {
            plannedCounts = Arrays.copyOf(plannedCounts, i * 2);
            logitsIndex = Arrays.copyOf(logitsIndex, i * 2);
        }
        planned.add(s);
        plannedCounts[i] = count;
        logitsIndex[i] = -1;
        int[] h = s.history();
        for (int k = 0; k < count; k++) {
            int pos = s.kvLength + k;
            boolean last = pos == s.length() - 1;
            if (last) {
                logitsIndex[i] = batch.size();
            }
            batch.add(h[pos], pos, s.id, last);
        }
    }

    /**
     * Makes sure the planned batch fits the KV memory budget: evicts cached prefixes, least recently used first,
     * then preempts the youngest running sequence. False when the batch changed (plan again).
     */
    private boolean makeRoom() {
        while (kv.usedBytes() + bytesNeeded() > kv.maxBytes()) {
            if (prefixes.evictLeastRecentlyUsed()) {
                continue;
            }
            preemptYoungest();
            return false;
        }
        return true;
    }

    private long bytesNeeded() {
        long need = 0;
        for (int i = 0; i < planned.size(); i++) {
            Sequence s = planned.get(i);
            need += kv.bytesToGrow(s.id, s.kvLength + plannedCounts[i]);
        }
        return need;
    }

    private void preemptYoungest() {
        Sequence youngest = null;
        for (Sequence s : active) {
            if (youngest == null || s.admission > youngest.admission) {
                youngest = s;
            }
        }
        if (youngest == null) {
            return;
        }
        if (active.size() == 1) {
            // alone and still too large: the context was sized to fit the budget, so this is a configuration error
            fail(youngest, new LlmException(LlmException.Kind.UNAVAILABLE, "the KV memory budget of "
                    + config.kvMemoryBytes() + " bytes cannot hold this sequence of " + name + "; raise kv_memory"));
            return;
        }
        LOG.log(System.Logger.Level.DEBUG, "{0}: KV memory short, preempting a sequence of {1} tokens", name,
                youngest.length());
        kv.drop(youngest.id);
        youngest.id = -1;
        youngest.kvLength = 0;
        active.remove(youngest);
        waiting.addFirst(youngest);
        memoryShort = true;
        preemptions++;
    }

    /** A finished (or cancelled) sequence leaves its slot; its cache entries stay for later prompts. */
    private void retire(Sequence s) {
        active.remove(s);
        if (s.kvLength > 0) {
            prefixes.retain(s.id, Arrays.copyOf(s.history(), s.kvLength));
        } else {
            kv.drop(s.id);
        }
        s.id = -1;
        s.handle.deliver(new SequenceEvent.Finished(s.outcome()));
        s.handle.release();
        memoryShort = false;
    }

    private void fail(Sequence s, LlmException error) {
        boolean removed = active.remove(s) || waiting.remove(s);
        if (!removed) {
            return;
        }
        if (s.id >= 0) {
            kv.drop(s.id);
            s.id = -1;
        }
        s.handle.deliver(new SequenceEvent.Failed(error));
        s.handle.release();
        memoryShort = false;
    }

    private void failAll(List<Sequence> sequences, LlmException error) {
        for (Sequence s : sequences) {
            fail(s, error);
        }
    }

    private int newSequenceId() {
        do {
            nextId = nextId == Integer.MAX_VALUE ? 0 : nextId + 1;
        } while (kv.contains(nextId));
        return nextId;
    }

    private LlmException internal(Throwable t) {
        String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return new LlmException(LlmException.Kind.INTERNAL, "generation with " + name + " failed: " + msg, t);
    }

    private void publishStats() {
        stats = new SchedulerStats(active.size(), waiting.size() + inbox.size(), steps, prefixes.size(),
                kv.usedBytes(), kv.maxBytes(), preemptions);
    }

    // ------------------------------------------------------------------ inspection for tests

    KvCache kvCache() {
        return kv;
    }

    PrefixCache prefixCache() {
        return prefixes;
    }

    /** Requests holding a slot or a place in the queue, as admission counts them (tests). */
    int admitted() {
        return outstanding.get();
    }

    /** The sizes of the last step's batch entries per sequence, in batch order (tests). */
    int[] lastPlan() {
        return Arrays.copyOf(plannedCounts, planned.size());
    }

    // ------------------------------------------------------------------ shutdown

    /**
     * Stops the thread after its current step; requests still running or waiting fail with UNAVAILABLE.
     * The model is not closed (it belongs to the caller).
     */
    @Override
    public void close() {
        synchronized (submitLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (thread != null) {
            LockSupport.unpark(thread);
            boolean interrupted = false;
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        takeSubmissions();
        LlmException gone = new LlmException(LlmException.Kind.UNAVAILABLE, "model " + name + " was unloaded");
        failAll(new ArrayList<>(active), gone);
        failAll(new ArrayList<>(waiting), gone);
        prefixes.clear();
        kv.clear();
        publishStats();
    }
}

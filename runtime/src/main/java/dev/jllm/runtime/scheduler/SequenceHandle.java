package dev.jllm.runtime.scheduler;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The caller's side of a submitted generation: its events in order ({@link #next}), and {@link #cancel}.
 *
 * <p>Events are produced by the scheduler's thread and never block it: they queue here. A reader that falls
 * behind by {@link #MAX_BACKLOG} events pauses its own sequence (the others keep going) until it catches up.
 */
public final class SequenceHandle {

    /** Events a reader may fall behind before its sequence is paused; a burst of tokens fits. */
    static final int MAX_BACKLOG = 64;

    private final LinkedBlockingQueue<SequenceEvent> events = new LinkedBlockingQueue<>();
    private final Runnable wakeScheduler;
    private final Runnable releaseAdmission;
    private final AtomicBoolean released = new AtomicBoolean();
    private volatile boolean cancelled;
    private volatile boolean paused;
    private volatile int cachedTokens = -1;

    SequenceHandle(Runnable wakeScheduler, Runnable releaseAdmission) {
        this.wakeScheduler = wakeScheduler;
        this.releaseAdmission = releaseAdmission;
    }

    /** The next event, waiting for it. After {@link SequenceEvent.Finished} or {@link SequenceEvent.Failed} none come. */
    public SequenceEvent next() throws InterruptedException {
        SequenceEvent e = events.take();
        resumeIfDrained();
        return e;
    }

    /** The next event, or null if none came within the timeout. */
    public SequenceEvent poll(long timeout, TimeUnit unit) throws InterruptedException {
        SequenceEvent e = events.poll(timeout, unit);
        if (e != null) {
            resumeIfDrained();
        }
        return e;
    }

    /**
     * Stops the generation: the scheduler frees its slot before its next step and ends it with
     * {@link FinishReason#CANCELLED} (a request still waiting leaves the queue). Harmless when already ended.
     */
    public void cancel() {
        cancelled = true;
        // its place counts as free at once: a request submitted right after this one is cancelled is accepted
        // (it takes the slot at the next step, when this one has left)
        release();
        wakeScheduler.run();
    }

    public boolean isCancelled() {
        return cancelled;
    }

    /** Prompt tokens served from the prefix cache, once the request has a slot; -1 before. */
    public int cachedTokens() {
        return cachedTokens;
    }

    // ------------------------------------------------------------ scheduler side

    void deliver(SequenceEvent e) {
        events.add(e);
    }

    /** Whether the reader is too far behind for the sequence to take another step now (and if so, pause it). */
    boolean isBacklogged() {
        if (events.size() < MAX_BACKLOG) {
            return false;
        }
        paused = true;
        // the reader may have drained the queue between the check and the flag: look again
        if (events.size() < MAX_BACKLOG) {
            paused = false;
            return false;
        }
        return true;
    }

    /** Gives the request's place among the scheduler's admitted ones back; only the first call counts. */
    void release() {
        if (released.compareAndSet(false, true)) {
            releaseAdmission.run();
        }
    }

    void admitted(int cached) {
        this.cachedTokens = cached;
    }

    private void resumeIfDrained() {
        if (paused && events.size() <= MAX_BACKLOG / 2) {
            paused = false;
            wakeScheduler.run();
        }
    }
}

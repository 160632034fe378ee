package dev.jllm.runtime.scheduler;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The caller's side of a submitted generation: {@link #cancel}, and its events in order. They queue in the
 * {@link SequenceInbox} it was submitted with (shared by the choices of one request, read there); a handle that has
 * its inbox to itself is read with {@link #next}.
 */
public final class SequenceHandle {

    private final SequenceInbox inbox;
    private final int choice;
    private final Runnable wakeScheduler;
    private final Runnable releaseAdmission;
    private final AtomicBoolean released = new AtomicBoolean();
    private volatile boolean cancelled;
    private volatile int cachedTokens = -1;

    SequenceHandle(SequenceInbox inbox, Runnable wakeScheduler, Runnable releaseAdmission) {
        this.inbox = inbox;
        this.choice = inbox.join(wakeScheduler);
        this.wakeScheduler = wakeScheduler;
        this.releaseAdmission = releaseAdmission;
    }

    /**
     * The next event of a handle alone in its inbox, waiting for it. After {@link SequenceEvent.Finished} or
     * {@link SequenceEvent.Failed} none come.
     */
    public SequenceEvent next() throws InterruptedException {
        return inbox.next().event();
    }

    /** The next event of a handle alone in its inbox, or null if none came within the timeout. */
    public SequenceEvent poll(long timeout, TimeUnit unit) throws InterruptedException {
        SequenceInbox.Delivery d = inbox.poll(timeout, unit);
        return d == null ? null : d.event();
    }

    /** Its choice number in its inbox (the order it joined, from 0). */
    public int choice() {
        return choice;
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
        inbox.deliver(choice, e);
    }

    boolean isBacklogged() {
        return inbox.isBacklogged();
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
}

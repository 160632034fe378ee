package dev.jllm.runtime.scheduler;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one queue between the scheduler's thread and the reader of a request: the events of the request's sequences
 * (one per choice) in the order they were produced, each tagged with its choice. One thread reads them all, so a
 * streamed answer needs no thread of its own: the HTTP handler that writes the events reads them from here.
 *
 * <p>Back-pressure lives here and nowhere else. The scheduler never blocks on a reader: events queue. A reader that
 * falls {@link #MAX_BACKLOG} events per sequence behind pauses the request's sequences (the scheduler's other
 * requests keep going) until it has read half of them.
 */
public final class SequenceInbox {

    /** Events per sequence a reader may fall behind before its sequences are paused; a burst of tokens fits. */
    public static final int MAX_BACKLOG = 64;

    /** One event and the choice (the order its sequence joined this inbox, from 0) it belongs to. */
    public record Delivery(int choice, SequenceEvent event) {
    }

    private final LinkedBlockingQueue<Delivery> events = new LinkedBlockingQueue<>();
    private final int limit;
    private final AtomicInteger members = new AtomicInteger();
    private volatile Runnable wakeScheduler = () -> { };
    private volatile boolean paused;

    /** An inbox for the given number of sequences (its backlog limit grows with them). */
    public SequenceInbox(int sequences) {
        if (sequences <= 0) {
            throw new IllegalArgumentException("an inbox serves at least one sequence: " + sequences);
        }
        this.limit = MAX_BACKLOG * sequences;
    }

    /** The next event of any of the sequences, waiting for it. */
    public Delivery next() throws InterruptedException {
        Delivery d = events.take();
        resumeIfDrained();
        return d;
    }

    /** The next event, or null if none came within the timeout. */
    public Delivery poll(long timeout, TimeUnit unit) throws InterruptedException {
        Delivery d = events.poll(timeout, unit);
        if (d != null) {
            resumeIfDrained();
        }
        return d;
    }

    // ------------------------------------------------------------ scheduler side

    /** A sequence joins: its choice number. */
    int join(Runnable wake) {
        this.wakeScheduler = wake;
        return members.getAndIncrement();
    }

    void deliver(int choice, SequenceEvent e) {
        events.add(new Delivery(choice, e));
    }

    /** Whether the reader is too far behind for a sequence to take another step now (and if so, pause them). */
    boolean isBacklogged() {
        if (events.size() < limit) {
            return false;
        }
        paused = true;
        // the reader may have drained the queue between the check and the flag: look again
        if (events.size() < limit) {
            paused = false;
            return false;
        }
        return true;
    }

    private void resumeIfDrained() {
        if (paused && events.size() <= limit / 2) {
            paused = false;
            wakeScheduler.run();
        }
    }
}

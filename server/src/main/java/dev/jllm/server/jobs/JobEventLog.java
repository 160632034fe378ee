package dev.jllm.server.jobs;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The events of one job, kept in memory so that a reader can come back with {@code Last-Event-ID} and get exactly
 * what it missed. Bounded by count and by bytes: past either bound the oldest events are dropped, and a reader
 * resuming from before what is left is told so ({@link EventsExpiredException}) instead of silently skipping.
 * The final event is never dropped. Thread-safe: one writer (the job), any number of readers.
 */
public final class JobEventLog {

    private final int maxEvents;
    private final long maxBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<JobEvent> events = new ArrayDeque<>();
    private long lastId;
    private long bytes;
    private boolean ended;

    /** What a read returns: events in order, and whether the log has ended (the last one was final). */
    public record Batch(List<JobEvent> events, boolean ended) { }

    public JobEventLog(int maxEvents, long maxBytes) {
        if (maxEvents < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("bounds must be positive");
        }
        this.maxEvents = maxEvents;
        this.maxBytes = maxBytes;
    }

    /**
     * Appends an event and wakes the readers.
     *
     * @return the event's id
     * @throws IllegalStateException after a final event
     */
    public long append(String type, String data) {
        lock.lock();
        try {
            if (ended) {
                throw new IllegalStateException("the job's event log has ended");
            }
            JobEvent e = new JobEvent(++lastId, type, data);
            events.addLast(e);
            bytes += size(e);
            ended = e.isFinal();
            while (events.size() > 1 && (events.size() > maxEvents || bytes > maxBytes)) {
                bytes -= size(events.removeFirst());
            }
            changed.signalAll();
            return e.id();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The events after {@code afterId}, waiting up to {@code wait} for one when there are none yet.
     *
     * @throws EventsExpiredException if events after {@code afterId} were already dropped
     */
    public Batch read(long afterId, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        lock.lock();
        try {
            while (true) {
                long firstKept = events.isEmpty() ? lastId + 1 : events.peekFirst().id();
                if (afterId + 1 < firstKept) {
                    throw new EventsExpiredException(afterId, firstKept);
                }
                if (afterId < lastId) {
                    List<JobEvent> out = new ArrayList<>();
                    for (JobEvent e : events) {
                        if (e.id() > afterId) {
                            out.add(e);
                        }
                    }
                    return new Batch(out, ended);
                }
                if (ended) {
                    return new Batch(List.of(), true);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return new Batch(List.of(), false);
                }
                changed.await(left, TimeUnit.NANOSECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    public long lastId() {
        lock.lock();
        try {
            return lastId;
        } finally {
            lock.unlock();
        }
    }

    public boolean ended() {
        lock.lock();
        try {
            return ended;
        } finally {
            lock.unlock();
        }
    }

    /** Roughly what an event holds in memory: its payload dominates. */
    private static long size(JobEvent e) {
        return 2L * e.data().length() + 64;
    }

    /** Thrown to a reader that resumes from before the oldest event still kept. */
    public static final class EventsExpiredException extends RuntimeException {
        private final long firstKept;

        EventsExpiredException(long afterId, long firstKept) {
            super("events after " + afterId + " are no longer kept: the oldest kept is " + firstKept, null, false,
                    false);
            this.firstKept = firstKept;
        }

        public long firstKept() {
            return firstKept;
        }
    }
}

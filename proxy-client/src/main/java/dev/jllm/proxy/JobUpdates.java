package dev.jllm.proxy;

import dev.jllm.api.LlmException;
import dev.jllm.api.ProgressEvent;
import dev.jllm.api.openai.ChatCompletionChunk;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The events of one job, in order, each once, across dropped connections (re-opened from the last event read).
 * Ends after the job's final event. Closing stops reading (the job goes on: cancel it with
 * {@link BackgroundJobs#cancel}). One reader; {@link #close()} may come from any thread.
 */
public final class JobUpdates implements Iterable<JobUpdate>, AutoCloseable {

    private final JobEventFollower follower;
    private boolean ended;
    private long lastEventId;

    JobUpdates(JobEventFollower follower, long after) {
        this.follower = follower;
        this.lastEventId = after;
    }

    public String jobId() {
        return follower.jobId();
    }

    /** The number of the last event returned (or the starting point): where to resume after a restart. */
    public long lastEventId() {
        return lastEventId;
    }

    /**
     * The next event, waiting for it; null after the final one.
     *
     * @throws LlmException TRANSPORT-origin UNAVAILABLE when the server is gone or no longer knows the job,
     *                      CANCELLED once closed
     */
    public JobUpdate next() {
        if (ended) {
            return null;
        }
        JobEvent e = follower.next();
        lastEventId = e.id();
        ended = e.isFinal();
        return switch (e.type()) {
            case JobEvent.PROGRESS -> new JobUpdate.Progress(e.id(), Wire.read(e.data(), ProgressEvent.class,
                    "progress event"));
            case JobEvent.CHUNK -> new JobUpdate.Chunk(e.id(), Wire.read(e.data(), ChatCompletionChunk.class,
                    "chunk event"));
            case JobEvent.RESULT -> new JobUpdate.Result(e.id(), Wire.value(e.data(), "result event"));
            case JobEvent.ERROR -> new JobUpdate.Failed(e.id(), JobFailures.fromErrorEvent(e.data(),
                    follower.jobId()));
            case JobEvent.CANCELLED -> new JobUpdate.Cancelled(e.id());
            default -> throw Wire.malformed("job event", "unknown event type '" + e.type() + "'");
        };
    }

    @Override
    public Iterator<JobUpdate> iterator() {
        return new Iterator<>() {
            private JobUpdate pending;

            @Override
            public boolean hasNext() {
                if (pending == null) {
                    pending = JobUpdates.this.next();
                }
                return pending != null;
            }

            @Override
            public JobUpdate next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                JobUpdate u = pending;
                pending = null;
                return u;
            }
        };
    }

    /** The events as a sequential stream; closing the stream closes this. */
    public Stream<JobUpdate> stream() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator(), Spliterator.ORDERED
                | Spliterator.NONNULL), false).onClose(this::close);
    }

    @Override
    public void close() {
        follower.close();
    }
}

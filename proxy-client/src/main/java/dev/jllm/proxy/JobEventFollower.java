package dev.jllm.proxy;

import dev.jllm.api.LlmException;
import dev.jllm.api.LlmException.Kind;
import dev.jllm.providers.sse.SseEvent;

import java.io.IOException;
import java.time.Duration;

/**
 * Reads one job's events in order, exactly once each, across dropped connections: a stream that breaks, ends
 * before the job's final event or stays silent past the idle limit is re-opened with {@code Last-Event-ID} set to
 * the last event received, so the server continues with the next one. Re-opening is retried with a growing pause
 * for the reconnect window; after that, or when the server no longer knows the job (it was restarted), the read
 * fails with UNAVAILABLE. Not thread-safe: one reader; {@link #close()} may come from any thread.
 */
final class JobEventFollower implements AutoCloseable {

    private static final long FIRST_PAUSE_MS = 50;
    private static final long MAX_PAUSE_MS = 1000;

    private final JobsClient client;
    private final String jobId;
    private final Duration reconnectWindow;
    private volatile EventConnection connection;
    private volatile boolean closed;
    private long lastId;
    private boolean ended;
    private int connections;

    JobEventFollower(JobsClient client, String jobId) {
        this(client, jobId, 0);
    }

    /** A follower that starts after event {@code after} (0: from the job's first event). */
    JobEventFollower(JobsClient client, String jobId, long after) {
        this.client = client;
        this.jobId = jobId;
        this.reconnectWindow = client.settings().reconnectWindow();
        this.lastId = after;
    }

    String jobId() {
        return jobId;
    }

    /** How many times the event stream was opened (1 unless it had to be resumed). */
    int connections() {
        return connections;
    }

    /**
     * The job's next event, waiting for it.
     *
     * @throws LlmException CANCELLED once closed, UNAVAILABLE when the server is gone or lost the job, or what
     *                      the server answered to the request for events (e.g. AUTHENTICATION)
     * @throws IllegalStateException after the final event
     */
    JobEvent next() {
        if (ended) {
            throw new IllegalStateException("job " + jobId + " has ended");
        }
        long failingSince = 0;
        long pause = FIRST_PAUSE_MS;
        while (true) {
            String failure;
            try {
                EventConnection c = connection;
                if (c == null) {
                    c = open();
                }
                SseEvent e = c.next();
                if (e != null) {
                    JobEvent event = parse(e);
                    if (event.id() <= lastId) {
                        continue; // a server resuming correctly never repeats one; a reader must not either
                    }
                    lastId = event.id();
                    ended = event.isFinal();
                    if (ended) {
                        disconnect();
                    }
                    return event;
                }
                failure = c.wentSilent() ? "silent for more than " + JobsClient.human(client.settings().timeouts()
                        .idle()) : "ended before the job did";
            } catch (IOException e) {
                EventConnection c = connection;
                failure = c != null && c.wentSilent() ? "silent for more than "
                        + JobsClient.human(client.settings().timeouts().idle()) : "broke: " + e.getMessage();
            } catch (LlmException e) {
                if (closed) {
                    throw closedError();
                }
                if (!retryable(e)) {
                    throw lost(e);
                }
                failure = e.getMessage();
            }
            disconnect();
            if (closed) {
                throw closedError();
            }
            long now = System.nanoTime();
            if (failingSince == 0) {
                failingSince = now;
            } else if (now - failingSince > reconnectWindow.toNanos()) {
                throw new LlmException(Kind.UNAVAILABLE, "lost the events of job " + jobId + " from the jllm server"
                        + " at " + client.settings().server() + " and could not resume them within "
                        + JobsClient.human(reconnectWindow) + ": " + failure, null, null,
                        LlmException.Origin.TRANSPORT, null);
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new LlmException(Kind.CANCELLED, "interrupted while reconnecting to job " + jobId, ie);
            }
            pause = Math.min(MAX_PAUSE_MS, pause * 2);
        }
    }

    private EventConnection open() {
        EventConnection c = client.jobEvents(jobId, lastId);
        connections++;
        connection = c;
        if (closed) {
            // close() ran while the request was on its way: it could not see this connection.
            disconnect();
            throw closedError();
        }
        return c;
    }

    private JobEvent parse(SseEvent e) {
        long id;
        try {
            id = Long.parseLong(e.id());
        } catch (NumberFormatException x) {
            throw Wire.malformed("job event", "the id '" + e.id() + "' of a " + e.type() + " event is not a number");
        }
        return new JobEvent(id, e.type(), e.data());
    }

    /** Failures worth another try: no answer, a broken connection, a server busy or shutting down. */
    private static boolean retryable(LlmException e) {
        return switch (e.kind()) {
            case UNAVAILABLE, TIMEOUT, UPSTREAM -> true;
            default -> false;
        };
    }

    private LlmException lost(LlmException e) {
        int status = e.seenStatus().orElse(0);
        if (status == 404) {
            return new LlmException(Kind.UNAVAILABLE, "the jllm server at " + client.settings().server()
                    + " no longer knows job " + jobId + ": it was restarted (or the job expired)", null, e,
                    LlmException.Origin.TRANSPORT, null);
        }
        if (status == 410) {
            return new LlmException(Kind.UPSTREAM, "the jllm server dropped events of job " + jobId
                    + " before they could be read: " + e.getMessage(), e);
        }
        if (e.kind() == Kind.CANCELLED) {
            return e;
        }
        return new LlmException(e.kind(), "cannot read the events of job " + jobId + ": " + e.getMessage(),
                e.seenStatus().isPresent() ? status : null, e);
    }

    private LlmException closedError() {
        return new LlmException(Kind.CANCELLED, "stopped following job " + jobId);
    }

    private void disconnect() {
        EventConnection c = connection;
        connection = null;
        if (c != null) {
            c.close();
        }
    }

    /** Stops reading: a blocked {@link #next()} fails with CANCELLED. Does not cancel the job. */
    @Override
    public void close() {
        closed = true;
        disconnect();
    }
}

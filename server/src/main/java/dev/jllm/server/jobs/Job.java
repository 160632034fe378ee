package dev.jllm.server.jobs;

import dev.jllm.api.LlmException;
import dev.jllm.api.ProgressEvent;
import dev.jllm.server.openai.ApiError;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** One submitted job: its state, its result or error, and its event log. Thread-safe. */
public final class Job implements JobContext {

    private static final System.Logger LOG = System.getLogger(Job.class.getName());

    private final String id;
    private final String type;
    private final JobHandler handler;
    private final Instant createdAt;
    private final JobEventLog events;

    private final Object lock = new Object();
    private JobStatus status = JobStatus.QUEUED;
    private Instant startedAt;
    private Instant finishedAt;
    private JsonValue result;
    private ApiError error;
    private boolean cancelRequested;
    private Thread runner;
    private final List<Runnable> cancelHooks = new ArrayList<>();
    /** Submitted with {@code "detach": true}: runs to its end whether or not anyone follows it. */
    private final boolean detached;
    /** Open event streams of this job, and when someone last followed it (a stream or a look at it). */
    private int followers;
    private Instant lastFollowed;

    Job(String id, String type, JobHandler handler, Instant createdAt, JobEventLog events) {
        this(id, type, handler, createdAt, events, false);
    }

    Job(String id, String type, JobHandler handler, Instant createdAt, JobEventLog events, boolean detached) {
        this.id = Objects.requireNonNull(id);
        this.type = Objects.requireNonNull(type);
        this.handler = Objects.requireNonNull(handler);
        this.createdAt = createdAt;
        this.events = events;
        this.detached = detached;
        this.lastFollowed = createdAt;
    }

    public boolean detached() {
        return detached;
    }

    /** An event stream of this job opened; {@link #unfollowed} when it closes. */
    public void followed(Instant now) {
        synchronized (lock) {
            followers++;
            lastFollowed = now;
        }
    }

    public void unfollowed(Instant now) {
        synchronized (lock) {
            followers--;
            lastFollowed = now;
        }
    }

    /** Someone looked at the job (GET /v1/jobs/{id}). */
    public void seen(Instant now) {
        synchronized (lock) {
            lastFollowed = now;
        }
    }

    /** Whether nobody has followed this unfinished job since {@code cutoff}. */
    boolean orphanedSince(Instant cutoff) {
        synchronized (lock) {
            return !detached && !status.isFinal() && followers == 0 && lastFollowed.isBefore(cutoff);
        }
    }

    public Instant createdAt() {
        return createdAt;
    }

    public String id() {
        return id;
    }

    @Override
    public String jobId() {
        return id;
    }

    public String type() {
        return type;
    }

    public JobEventLog events() {
        return events;
    }

    public JobStatus status() {
        synchronized (lock) {
            return status;
        }
    }

    Instant finishedAt() {
        synchronized (lock) {
            return finishedAt;
        }
    }

    JobHandler handler() {
        return handler;
    }

    // ------------------------------------------------------------------ lifecycle (called by the manager)

    /** QUEUED -> RUNNING on the given thread; false if the job was cancelled while it waited. */
    boolean start(Thread thread, Instant now) {
        synchronized (lock) {
            if (status != JobStatus.QUEUED) {
                return false;
            }
            status = JobStatus.RUNNING;
            startedAt = now;
            runner = thread;
            return true;
        }
    }

    void succeed(JsonValue value, Instant now) {
        synchronized (lock) {
            if (settle(JobStatus.SUCCEEDED, now)) {
                result = value;
                events.append(JobEvent.RESULT, value.toString());
            }
        }
    }

    /**
     * Ends the job with {@code outcome} unless it already ended. A cancel asked for first wins: the work finished,
     * but cancelled is what the client expects to see. Call holding {@link #lock}.
     *
     * @return true if the job now has {@code outcome} (the caller records its result or error)
     */
    private boolean settle(JobStatus outcome, Instant now) {
        if (status.isFinal()) {
            return false;
        }
        if (cancelRequested) {
            finishCancelled(now);
            return false;
        }
        status = outcome;
        finishedAt = now;
        runner = null;
        return true;
    }

    private JsonObject errorOrigin = JsonValue.EMPTY_JSON_OBJECT;

    /** Fails with the error {@code t} is reported as, keeping where it happened ({@link #originJson}). */
    void fail(Throwable t, ApiError e, Instant now) {
        synchronized (lock) {
            errorOrigin = originJson(t);
        }
        fail(e, now);
    }

    void fail(ApiError e, Instant now) {
        synchronized (lock) {
            if (settle(JobStatus.FAILED, now)) {
                error = e;
                events.append(JobEvent.ERROR, Json.createObjectBuilder().add("error", errorJson(e)).build().toString());
            }
        }
    }

    /**
     * Asks the job to stop. A queued job is cancelled at once; a running one gets its hooks run and its thread
     * interrupted, and ends as cancelled when its work returns.
     *
     * @return true if the job was queued and is now cancelled (the manager drops it from the queue)
     */
    boolean cancel(Instant now) {
        List<Runnable> hooks;
        Thread t;
        synchronized (lock) {
            if (status.isFinal() || cancelRequested) {
                return false;
            }
            cancelRequested = true;
            if (status == JobStatus.QUEUED) {
                finishCancelled(now);
                return true;
            }
            hooks = List.copyOf(cancelHooks);
            cancelHooks.clear();
            t = runner;
        }
        hooks.forEach(Job::runQuietly);
        if (t != null) {
            t.interrupt();
        }
        return false;
    }

    /** Called when the work returned or threw after a cancel request. */
    void endCancelled(Instant now) {
        synchronized (lock) {
            if (!status.isFinal()) {
                finishCancelled(now);
            }
        }
    }

    private void finishCancelled(Instant now) {
        status = JobStatus.CANCELLED;
        finishedAt = now;
        runner = null;
        events.append(JobEvent.CANCELLED, Json.createObjectBuilder().add("id", id)
                .add("status", JobStatus.CANCELLED.wire()).build().toString());
    }

    // ------------------------------------------------------------------ JobContext

    @Override
    public void progress(ProgressEvent event) {
        append(JobEvent.PROGRESS, JobContext.json(event));
    }

    @Override
    public void chunk(String json) {
        append(JobEvent.CHUNK, json);
    }

    private void append(String type, String data) {
        synchronized (lock) {
            // After a final event nothing may follow; work still running after a cancel just stops reporting.
            if (!status.isFinal()) {
                events.append(type, data);
            }
        }
    }

    @Override
    public void onCancel(Runnable hook) {
        boolean now;
        synchronized (lock) {
            now = cancelRequested;
            if (!now) {
                cancelHooks.add(hook);
            }
        }
        if (now) {
            runQuietly(hook);
        }
    }

    @Override
    public boolean isCancelled() {
        synchronized (lock) {
            return cancelRequested;
        }
    }

    // ------------------------------------------------------------------ wire form

    /** The job as {@code GET /v1/jobs/{id}} shows it. */
    public JsonObject toJson() {
        synchronized (lock) {
            JsonObjectBuilder b = Json.createObjectBuilder()
                    .add("id", id)
                    .add("object", "job")
                    .add("type", type)
                    .add("status", status.wire())
                    .add("created_at", createdAt.getEpochSecond());
            time(b, "started_at", startedAt);
            time(b, "finished_at", finishedAt);
            b.add("last_event_id", events.lastId());
            if (result == null) {
                b.addNull("result");
            } else {
                b.add("result", result);
            }
            if (error == null) {
                b.addNull("error");
            } else {
                b.add("error", errorJson(error));
            }
            return b.build();
        }
    }

    /**
     * OpenAI's error members plus the HTTP status the same failure gets as a plain request, and where it happened
     * ({@code origin}, {@code load_failure}) when that is more than the service itself.
     */
    private JsonObject errorJson(ApiError e) {
        JsonObjectBuilder b = Json.createObjectBuilder(e.toJson().getJsonObject("error")).add("http_status", e.status());
        errorOrigin.forEach(b::add);
        return b.build();
    }

    /** {@code origin} and {@code load_failure} of an {@link LlmException} that happened beyond the service. */
    static JsonObject originJson(Throwable t) {
        JsonObjectBuilder b = Json.createObjectBuilder();
        if (t instanceof LlmException l && l.origin() != LlmException.Origin.SERVICE) {
            b.add("origin", l.origin().wire());
            l.loadFailure().ifPresent(f -> b.add("load_failure", f.wire()));
        }
        return b.build();
    }

    private static void time(JsonObjectBuilder b, String key, Instant t) {
        if (t == null) {
            b.addNull(key);
        } else {
            b.add(key, t.getEpochSecond());
        }
    }

    private static void runQuietly(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "a job cancel hook failed", e);
        }
    }
}

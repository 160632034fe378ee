package dev.jllm.server.routing;

import dev.jllm.server.http.RequestBodies;
import dev.jllm.server.jobs.Job;
import dev.jllm.server.jobs.JobEvent;
import dev.jllm.server.jobs.JobEventLog;
import dev.jllm.server.jobs.JobManager;
import dev.jllm.server.openai.ApiError;
import dev.jllm.server.openai.ApiException;
import dev.jllm.server.openai.ClientGoneException;
import dev.jllm.server.openai.JsonFields;
import dev.jllm.server.openai.Responses;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * The jobs API (see docs/jobs-api.md): submit, read, follow the events of, and cancel jobs. The event stream
 * replays the job's log after {@code Last-Event-ID} (or {@code ?after=}) and then follows it live until the final
 * event, with a comment every few seconds of silence so that a vanished reader is noticed.
 */
public final class JobsRoutes {

    static final Duration HEARTBEAT = Duration.ofSeconds(10);
    /** How long a DELETE waits for a running job to stop, so that its answer usually shows the final state. */
    static final Duration CANCEL_WAIT = Duration.ofSeconds(5);

    static final HeaderName LAST_EVENT_ID = HeaderNames.create("Last-Event-ID");

    private final JobManager jobs;
    private final long maxBodyBytes;

    public JobsRoutes(JobManager jobs, long maxBodyBytes) {
        this.jobs = jobs;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** {@code POST /v1/jobs {"type": ..., "params": {...}}} -> 202 and the job. */
    public void submit(ServerRequest req, ServerResponse res) {
        JsonObject body = RequestBodies.jsonObject(req, maxBodyBytes);
        JsonFields f = JsonFields.of(body);
        f.allowOnly(Set.of("type", "params", "detach"));
        String type = f.requiredString("type");
        JsonObject params = f.objectMember("params");
        Job job = jobs.submit(type, params, Boolean.TRUE.equals(f.bool("detach")));
        res.header(HeaderNames.LOCATION, "/v1/jobs/" + job.id());
        Responses.json(res, 202, job.toJson().toString());
    }

    /** {@code GET /v1/jobs}: every job the server still knows, oldest first. */
    public void list(ServerRequest req, ServerResponse res) {
        JsonArrayBuilder data = Json.createArrayBuilder();
        for (Job job : jobs.list()) {
            data.add(job.toJson());
        }
        Responses.json(res, 200, Json.createObjectBuilder().add("object", "list").add("data", data).build()
                .toString());
    }

    public void get(ServerRequest req, ServerResponse res) {
        Job job = find(req);
        job.seen(Instant.now());
        Responses.json(res, 200, job.toJson().toString());
    }

    public void cancel(ServerRequest req, ServerResponse res) throws InterruptedException {
        String id = req.path().pathParameters().get("id");
        Job job = jobs.cancel(id).orElseThrow(() -> new ApiException(ApiError.notFound("no job '" + id + "'")));
        long deadline = System.nanoTime() + CANCEL_WAIT.toNanos();
        while (!job.status().isFinal() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        Responses.json(res, 200, job.toJson().toString());
    }

    /** {@code GET /v1/jobs/{id}/events}: the job's events as SSE, from after Last-Event-ID. */
    public void events(ServerRequest req, ServerResponse res) throws InterruptedException {
        Job job = find(req);
        Resume resume = resume(req);
        long after = resume.after();
        if (after > job.events().lastId()) {
            throw ApiException.invalid(resume.param() + " " + after + " is beyond the job's last event "
                    + job.events().lastId(), resume.param());
        }
        JobEventLog.Batch first;
        try {
            first = job.events().read(after, Duration.ZERO);
        } catch (JobEventLog.EventsExpiredException e) {
            throw new ApiException(new ApiError(410, ApiError.INVALID_REQUEST, e.getMessage(), "Last-Event-ID",
                    "events_expired", null));
        }
        job.followed(Instant.now());
        try (SseWriter sse = SseWriter.start(res)) {
            JobEventLog.Batch batch = first;
            while (true) {
                for (JobEvent e : batch.events()) {
                    sse.event(e.id(), e.type(), e.data());
                    after = e.id();
                }
                if (batch.ended() && after >= job.events().lastId()) {
                    return;
                }
                try {
                    batch = job.events().read(after, HEARTBEAT);
                } catch (JobEventLog.EventsExpiredException e) {
                    // This reader fell further behind than the log keeps: say so rather than skip silently.
                    sse.event("error", new ApiError(410, ApiError.INVALID_REQUEST, e.getMessage(), null,
                            "events_expired", null).toJson().toString());
                    return;
                }
                if (batch.events().isEmpty() && !batch.ended()) {
                    sse.comment("waiting; job is " + job.status().wire());
                }
            }
        } catch (ClientGoneException e) {
            // the reader left; the job goes on and can be resumed with Last-Event-ID (within the orphan timeout)
        } finally {
            job.unfollowed(Instant.now());
        }
    }

    private Job find(ServerRequest req) {
        String id = req.path().pathParameters().get("id");
        return jobs.get(id).orElseThrow(() -> new ApiException(ApiError.notFound("no job '" + id
                + "' (finished jobs are kept for a while, then forgotten)")));
    }

    /** Where a reader resumes: after this event id, as given by this header or query parameter. */
    record Resume(long after, String param) { }

    /** Last-Event-ID (what EventSource sends on reconnect), else {@code ?after=N}, else 0 (from the start). */
    static Resume resume(ServerRequest req) {
        String v = req.headers().first(LAST_EVENT_ID).orElse(null);
        String param = "Last-Event-ID";
        if (v == null || v.isBlank()) {
            v = req.query().first("after").orElse(null);
            param = "after";
        }
        if (v == null || v.isBlank()) {
            return new Resume(0, param);
        }
        try {
            long id = Long.parseLong(v.strip());
            if (id < 0) {
                throw new NumberFormatException();
            }
            return new Resume(id, param);
        } catch (NumberFormatException e) {
            throw ApiException.invalid(param + " must be a non-negative event id, got '" + v + "'", param);
        }
    }

}

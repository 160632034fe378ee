package dev.jllm.proxy;

import dev.jllm.api.LlmException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import java.time.Instant;
import java.util.Optional;

/**
 * A background job as the server last described it (the job object of docs/jobs-api.md).
 *
 * @param id          the job's id: keep it to follow, query or cancel the job later, from any process
 * @param type        jllm's name of its type (a job submitted under an alias such as "serve-model" reports
 *                    "model.serve")
 * @param status      queued, running, succeeded, failed or cancelled
 * @param lastEventId the number of its newest event
 * @param result      its result once succeeded, else JSON null
 * @param error       its failure once failed, else null
 */
public record JobInfo(String id, String type, String status, Instant createdAt, Instant startedAt,
                      Instant finishedAt, long lastEventId, JsonValue result, LlmException error) {

    /** Whether the job has ended (succeeded, failed or cancelled). */
    public boolean isFinal() {
        return status.equals("succeeded") || status.equals("failed") || status.equals("cancelled");
    }

    public Optional<LlmException> failure() {
        return Optional.ofNullable(error);
    }

    static JobInfo from(JsonObject o) {
        String id = Wire.string(o, "id", "job");
        LlmException error = o.get("error") instanceof JsonObject e
                ? JobFailures.fromErrorEvent(jakarta.json.Json.createObjectBuilder().add("error", e).build()
                .toString(), id) : null;
        return new JobInfo(id, Wire.string(o, "type", "job"), Wire.string(o, "status", "job"),
                time(o, "created_at"), time(o, "started_at"), time(o, "finished_at"),
                o.get("last_event_id") instanceof JsonNumber n ? n.longValue() : 0,
                o.getOrDefault("result", JsonValue.NULL), error);
    }

    private static Instant time(JsonObject o, String key) {
        return o.get(key) instanceof JsonNumber n ? Instant.ofEpochSecond(n.longValue()) : null;
    }
}

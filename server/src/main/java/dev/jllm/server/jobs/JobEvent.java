package dev.jllm.server.jobs;

import java.util.Objects;
import java.util.Set;

/**
 * One event of a job, as its event stream sends it.
 *
 * @param id   position in the job's log, from 1, without gaps: what {@code Last-Event-ID} resumes after
 * @param type {@code progress}, {@code chunk}, {@code result}, {@code error} or {@code cancelled}
 * @param data the JSON payload
 */
public record JobEvent(long id, String type, String data) {

    public static final String PROGRESS = "progress";
    public static final String CHUNK = "chunk";
    public static final String RESULT = "result";
    public static final String ERROR = "error";
    public static final String CANCELLED = "cancelled";

    static final Set<String> TYPES = Set.of(PROGRESS, CHUNK, RESULT, ERROR, CANCELLED);

    public JobEvent {
        if (id < 1) {
            throw new IllegalArgumentException("event ids start at 1: " + id);
        }
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException("unknown job event type: " + type);
        }
        Objects.requireNonNull(data, "data");
    }

    /** Whether this event ends the job's stream. */
    public boolean isFinal() {
        return type.equals(RESULT) || type.equals(ERROR) || type.equals(CANCELLED);
    }
}

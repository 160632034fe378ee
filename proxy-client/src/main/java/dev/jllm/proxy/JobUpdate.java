package dev.jllm.proxy;

import dev.jllm.api.LlmException;
import dev.jllm.api.ProgressEvent;
import dev.jllm.api.openai.ChatCompletionChunk;
import jakarta.json.JsonValue;

/**
 * One event of a background job, typed. {@link #eventId()} numbers the job's events 1, 2, 3... without gaps:
 * remember the last one handled and pass it to {@link BackgroundJobs#follow(String, long)} to continue after a
 * restart without losing or repeating any.
 */
public sealed interface JobUpdate {

    /** The event's number within its job. */
    long eventId();

    /** Whether this is the job's last event (result, failure or cancellation). */
    default boolean isFinal() {
        return !(this instanceof Progress || this instanceof Chunk);
    }

    /** A step of a long operation (downloading, loading...). */
    record Progress(long eventId, ProgressEvent progress) implements JobUpdate { }

    /** A piece of a chat completion's answer. */
    record Chunk(long eventId, ChatCompletionChunk chunk) implements JobUpdate { }

    /** The job succeeded; {@code result} is its type's result (docs/jobs-api.md). */
    record Result(long eventId, JsonValue result) implements JobUpdate { }

    /** The job failed: {@code error} is what the same call would have thrown in main mode (origin JOB or finer). */
    record Failed(long eventId, LlmException error) implements JobUpdate { }

    /** The job was cancelled. */
    record Cancelled(long eventId) implements JobUpdate { }
}

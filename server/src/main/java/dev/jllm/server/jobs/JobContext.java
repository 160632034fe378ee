package dev.jllm.server.jobs;

import dev.jllm.api.ProgressEvent;
import dev.jllm.api.ProgressListener;
import dev.jllm.server.openai.OpenAiWire;

/** What a running job can do: report progress and stream chunks to its event log, and learn of cancellation. */
public interface JobContext {

    String jobId();

    /** Adds a {@code progress} event. */
    void progress(ProgressEvent event);

    /** Adds a {@code chunk} event with the given JSON. */
    void chunk(String json);

    /**
     * Registers what stops the work early (close a stream); runs once when the job is cancelled, at once if it
     * already was.
     */
    void onCancel(Runnable hook);

    boolean isCancelled();

    /** A progress listener writing into this job's log. */
    default ProgressListener progressListener() {
        return this::progress;
    }

    static String json(ProgressEvent e) {
        return OpenAiWire.toValue(e).toString();
    }
}

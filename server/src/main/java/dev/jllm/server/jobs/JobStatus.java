package dev.jllm.server.jobs;

import java.util.Locale;

/** Where a job is in its life. The last three are final. */
public enum JobStatus {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }

    /** The name on the wire: lower case. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}

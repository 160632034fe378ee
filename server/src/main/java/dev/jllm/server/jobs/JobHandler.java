package dev.jllm.server.jobs;

import jakarta.json.JsonValue;

/** The work of one job whose parameters were already checked. Returns the job's result. */
@FunctionalInterface
public interface JobHandler {
    JsonValue run(JobContext context) throws Exception;
}

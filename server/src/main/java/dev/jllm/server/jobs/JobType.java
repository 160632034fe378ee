package dev.jllm.server.jobs;

import dev.jllm.server.openai.JsonFields;

/**
 * One kind of job. {@link #prepare} checks the parameters when the job is submitted, so that a bad request is a
 * 400 answer to the POST rather than a job that fails later, and returns the work to run.
 */
@FunctionalInterface
public interface JobType {
    /** @throws dev.jllm.server.openai.ApiException for bad parameters */
    JobHandler prepare(JsonFields params);
}

package dev.jllm.proxy;

import dev.jllm.api.LlmException;
import dev.jllm.api.ServiceOptions;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Java client of a jllm server's jobs API (docs/jobs-api.md): the original service's
 * {@code backgroundJob.execute('serve-model', ...)}. Submit a long operation, keep its id, follow its events (and
 * after a restart of this process, continue following from the last event handled), query, list and cancel.
 * The original service's job names ({@code serve-model}, {@code get-all-models}, {@code chat-completion}) are
 * accepted as aliases of jllm's. Thread-safe.
 *
 * <pre>{@code
 * try (BackgroundJobs jobs = BackgroundJobs.connect(URI.create("http://127.0.0.1:8080"))) {
 *     JobInfo job = jobs.submit("serve-model", Map.of("instance", "local", "model", "hf.co/owner/repo:Q4_K_M"));
 *     try (JobUpdates updates = jobs.follow(job.id(), 0)) {
 *         for (JobUpdate u : updates) { ... }     // Progress..., then Result / Failed / Cancelled
 *     }
 * }
 * }</pre>
 */
public final class BackgroundJobs implements AutoCloseable {

    private final JobsClient client;

    private BackgroundJobs(ProxySettings settings) {
        this.client = new JobsClient(settings);
    }

    /** A client of the server at {@code server} with the proxy's default limits and no API key. */
    public static BackgroundJobs connect(URI server) {
        return connect(server, ServiceOptions.DEFAULTS);
    }

    /** A client of the server at {@code server} with these options (API key, timeouts, reconnect window). */
    public static BackgroundJobs connect(URI server, ServiceOptions options) {
        if (server == null) {
            throw LlmException.invalid("the jobs client needs the jllm server's URL, e.g. http://127.0.0.1:8080");
        }
        return new BackgroundJobs(new ProxySettings(ProxySettings.serverRoot(server.toString()), options.apiKey(),
                options.timeouts() != null ? options.timeouts() : ProxySettings.DEFAULT_TIMEOUTS,
                options.reconnectWindow()));
    }

    /**
     * Queues a job.
     *
     * @param type   a job type (docs/jobs-api.md) or one of the original service's names
     * @param params the type's parameters
     * @throws LlmException INVALID_REQUEST for an unknown type or bad parameters, RATE_LIMITED when too many jobs
     *                      wait, UNAVAILABLE (origin TRANSPORT) when the server cannot be reached
     */
    public JobInfo submit(String type, JsonObject params) {
        if (type == null || type.isBlank()) {
            throw LlmException.invalid("a job needs a type, e.g. model.serve");
        }
        return JobInfo.from(client.submitJob(type, params == null ? JsonValue.EMPTY_JSON_OBJECT : params));
    }

    /** {@link #submit(String, JsonObject)} with parameters given as a map of strings, numbers and booleans. */
    public JobInfo submit(String type, Map<String, ?> params) {
        return submit(type, params == null ? null : Json.createObjectBuilder(params).build());
    }

    /** The job as the server knows it now; NOT_FOUND once the server no longer knows it. */
    public JobInfo get(String jobId) {
        return JobInfo.from(client.job(requireId(jobId)));
    }

    /** Every job the server still knows, oldest first. */
    public List<JobInfo> list() {
        List<JobInfo> all = new ArrayList<>();
        JsonObject answer = client.jobs();
        if (!(answer.get("data") instanceof jakarta.json.JsonArray data)) {
            throw Wire.malformed("job list", "no 'data' array");
        }
        for (JsonValue v : data) {
            if (!(v instanceof JsonObject o)) {
                throw Wire.malformed("job list", "an entry is not an object");
            }
            all.add(JobInfo.from(o));
        }
        return all;
    }

    /** Asks the server to stop the job; answers the job as it is then (normally cancelled, or already ended). */
    public JobInfo cancel(String jobId) {
        return JobInfo.from(client.cancelAndGet(requireId(jobId)));
    }

    /**
     * Follows the job's events after event {@code afterEventId} (0: from its first event). Events already read
     * before a restart are not repeated when their last id is given.
     */
    public JobUpdates follow(String jobId, long afterEventId) {
        if (afterEventId < 0) {
            throw LlmException.invalid("afterEventId must not be negative, got " + afterEventId);
        }
        return new JobUpdates(new JobEventFollower(client, requireId(jobId), afterEventId), afterEventId);
    }

    private static String requireId(String jobId) {
        if (jobId == null || !jobId.matches("[A-Za-z0-9_.-]{1,128}")) {
            throw LlmException.invalid("not a job id: '" + jobId + "'");
        }
        return jobId;
    }

    @Override
    public void close() {
        client.close();
    }
}

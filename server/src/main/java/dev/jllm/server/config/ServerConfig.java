package dev.jllm.server.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How {@code jllm serve} runs.
 *
 * @param host          the address to listen on
 * @param port          the port; 0 picks a free one
 * @param models        models loaded at start, in order; the first becomes the current model
 * @param threads       kernel threads of local instances (0 = one per processor)
 * @param contextSize   context tokens per sequence of local instances (0 = the model's)
 * @param parallel      generations at once per instance (also the local engine's sequence count)
 * @param apiKey        the key clients must send as a bearer token, or null for none
 * @param corsOrigins   origins browsers may call from ("*" for any); empty = no CORS headers
 * @param maxBodyBytes  the largest request body accepted
 * @param maxQueued     generations that may wait for a slot per instance before 503s
 * @param maxQueueWait  how long a generation waits for a slot before a 503
 * @param jobs          the bounds of the jobs API
 * @param onDemand      how models named by requests are loaded from the store and unloaded again
 * @param readTimeout   how long a read from a client may wait for the next bytes of a request (its headers or its
 *                      body) before the connection is closed: slow or stalled clients do not hold a connection
 * @param kvType        KV cache type of local instances ({@code auto}, {@code f32}, {@code f16}, {@code q8_0}: the
 *                      local config's {@code kv_type}, checked by the command line when given there)
 */
public record ServerConfig(String host, int port, List<ModelSpec> models, int threads, int contextSize, int parallel,
                           String apiKey, List<String> corsOrigins, long maxBodyBytes, int maxQueued,
                           Duration maxQueueWait, JobLimits jobs, OnDemandConfig onDemand, Duration readTimeout,
                           String kvType) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final long DEFAULT_MAX_BODY = 16L << 20;
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        models = List.copyOf(models);
        corsOrigins = List.copyOf(corsOrigins);
        apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey;
        Objects.requireNonNull(maxQueueWait, "maxQueueWait");
        Objects.requireNonNull(jobs, "jobs");
        Objects.requireNonNull(onDemand, "onDemand");
        kvType = kvType == null || kvType.isBlank() ? "auto" : kvType.strip();
        if (readTimeout == null || readTimeout.isNegative() || readTimeout.isZero()) {
            throw new IllegalArgumentException("the read timeout must be positive: " + readTimeout);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be within 0..65535: " + port);
        }
        if (threads < 0 || contextSize < 0 || parallel < 1 || maxBodyBytes < 1 || maxQueued < 0) {
            throw new IllegalArgumentException("threads and ctx must be >= 0, parallel >= 1, max body >= 1 and"
                    + " max queued >= 0");
        }
        long distinct = models.stream().map(ModelSpec::instanceName).distinct().count();
        if (distinct != models.size()) {
            throw new IllegalArgumentException("two --model options get the same name; give them different --alias");
        }
    }

    public static ServerConfig defaults() {
        return new ServerConfig(DEFAULT_HOST, DEFAULT_PORT, List.of(), 0, 0, 4, null, List.of(), DEFAULT_MAX_BODY,
                64, Duration.ofMinutes(5), JobLimits.defaults(), OnDemandConfig.defaults(), DEFAULT_READ_TIMEOUT, "auto");
    }

    public ServerConfig withHost(String v) {
        return new ServerConfig(v, port, models, threads, contextSize, parallel, apiKey, corsOrigins, maxBodyBytes,
                maxQueued, maxQueueWait, jobs, onDemand, readTimeout, kvType);
    }

    public ServerConfig withPort(int v) {
        return new ServerConfig(host, v, models, threads, contextSize, parallel, apiKey, corsOrigins, maxBodyBytes,
                maxQueued, maxQueueWait, jobs, onDemand, readTimeout, kvType);
    }

    public ServerConfig withModels(List<ModelSpec> v) {
        return new ServerConfig(host, port, v, threads, contextSize, parallel, apiKey, corsOrigins, maxBodyBytes,
                maxQueued, maxQueueWait, jobs, onDemand, readTimeout, kvType);
    }

    public ServerConfig withThreads(int v) {
        return new ServerConfig(host, port, models, v, contextSize, parallel, apiKey, corsOrigins, maxBodyBytes,
                maxQueued, maxQueueWait, jobs, onDemand, readTimeout, kvType);
    }

    public ServerConfig withContextSize(int v) {
        return new ServerConfig(host, port, models, threads, v, parallel, apiKey, corsOrigins, maxBodyBytes,
                maxQueued, maxQueueWait, jobs, onDemand, readTimeout, kvType);
    }

    public ServerConfig withParallel(int v) {
        return new ServerConfig(host, port, models, threads, contextSize, v, apiKey, corsOrigins, maxBodyBytes,
                maxQueued, maxQueueWait, jobs, onDemand, readTimeout, kvType);
    }

    public ServerConfig withApiKey(String v) {
        return new ServerConfig(host, port, models, threads, contextSize, parallel, v, corsOrigins, maxBodyBytes,
                maxQueued, maxQueueWait, jobs, onDemand, readTimeout, kvType);
    }

    public ServerConfig withCorsOrigins(List<String> v) {
        return new ServerConfig(host, port, models, threads, contextSize, parallel, apiKey, v, maxBodyBytes,
                maxQueued, maxQueueWait, jobs, onDemand, readTimeout, kvType);
    }

    public ServerConfig withMaxBodyBytes(long v) {
        return new ServerConfig(host, port, models, threads, contextSize, parallel, apiKey, corsOrigins, v,
                maxQueued, maxQueueWait, jobs, onDemand, readTimeout, kvType);
    }

    public ServerConfig withMaxQueued(int v) {
        return new ServerConfig(host, port, models, threads, contextSize, parallel, apiKey, corsOrigins, maxBodyBytes,
                v, maxQueueWait, jobs, onDemand, readTimeout, kvType);
    }

    public ServerConfig withMaxQueueWait(Duration v) {
        return new ServerConfig(host, port, models, threads, contextSize, parallel, apiKey, corsOrigins, maxBodyBytes,
                maxQueued, v, jobs, onDemand, readTimeout, kvType);
    }

    public ServerConfig withJobs(JobLimits v) {
        return new ServerConfig(host, port, models, threads, contextSize, parallel, apiKey, corsOrigins, maxBodyBytes,
                maxQueued, maxQueueWait, v, onDemand, readTimeout, kvType);
    }

    public ServerConfig withReadTimeout(Duration v) {
        return new ServerConfig(host, port, models, threads, contextSize, parallel, apiKey, corsOrigins, maxBodyBytes,
                maxQueued, maxQueueWait, jobs, onDemand, v, kvType);
    }

    public ServerConfig withOnDemand(OnDemandConfig v) {
        return new ServerConfig(host, port, models, threads, contextSize, parallel, apiKey, corsOrigins, maxBodyBytes,
                maxQueued, maxQueueWait, jobs, v, readTimeout, kvType);
    }

    public ServerConfig withKvType(String v) {
        return new ServerConfig(host, port, models, threads, contextSize, parallel, apiKey, corsOrigins, maxBodyBytes,
                maxQueued, maxQueueWait, jobs, onDemand, readTimeout, v);
    }

    /** Records print their components; the key must never reach a log. */
    @Override
    public String toString() {
        return "ServerConfig[host=" + host + ", port=" + port + ", models=" + models + ", threads=" + threads
                + ", ctx=" + contextSize + ", kvType=" + kvType + ", parallel=" + parallel + ", apiKey=" + (apiKey == null ? "none" : "***")
                + ", cors=" + corsOrigins + ", maxBody=" + maxBodyBytes + ", onDemand=" + onDemand + "]";
    }
}

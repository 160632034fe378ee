package dev.jllm.server.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

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
        return with(c -> c.host = v);
    }

    public ServerConfig withPort(int v) {
        return with(c -> c.port = v);
    }

    public ServerConfig withModels(List<ModelSpec> v) {
        return with(c -> c.models = v);
    }

    public ServerConfig withThreads(int v) {
        return with(c -> c.threads = v);
    }

    public ServerConfig withContextSize(int v) {
        return with(c -> c.contextSize = v);
    }

    public ServerConfig withParallel(int v) {
        return with(c -> c.parallel = v);
    }

    public ServerConfig withApiKey(String v) {
        return with(c -> c.apiKey = v);
    }

    public ServerConfig withCorsOrigins(List<String> v) {
        return with(c -> c.corsOrigins = v);
    }

    public ServerConfig withMaxBodyBytes(long v) {
        return with(c -> c.maxBodyBytes = v);
    }

    public ServerConfig withMaxQueued(int v) {
        return with(c -> c.maxQueued = v);
    }

    public ServerConfig withMaxQueueWait(Duration v) {
        return with(c -> c.maxQueueWait = v);
    }

    public ServerConfig withJobs(JobLimits v) {
        return with(c -> c.jobs = v);
    }

    public ServerConfig withReadTimeout(Duration v) {
        return with(c -> c.readTimeout = v);
    }

    public ServerConfig withOnDemand(OnDemandConfig v) {
        return with(c -> c.onDemand = v);
    }

    public ServerConfig withKvType(String v) {
        return with(c -> c.kvType = v);
    }

    /** Copies this config with one change, checked by the canonical constructor like any other. */
    private ServerConfig with(Consumer<Parts> change) {
        Parts c = new Parts();
        change.accept(c);
        return c.build();
    }

    /** The components, settable one at a time: each wither changes one, so none repeats the full constructor. */
    private final class Parts {
        String host = ServerConfig.this.host;
        int port = ServerConfig.this.port;
        List<ModelSpec> models = ServerConfig.this.models;
        int threads = ServerConfig.this.threads;
        int contextSize = ServerConfig.this.contextSize;
        int parallel = ServerConfig.this.parallel;
        String apiKey = ServerConfig.this.apiKey;
        List<String> corsOrigins = ServerConfig.this.corsOrigins;
        long maxBodyBytes = ServerConfig.this.maxBodyBytes;
        int maxQueued = ServerConfig.this.maxQueued;
        Duration maxQueueWait = ServerConfig.this.maxQueueWait;
        JobLimits jobs = ServerConfig.this.jobs;
        OnDemandConfig onDemand = ServerConfig.this.onDemand;
        Duration readTimeout = ServerConfig.this.readTimeout;
        String kvType = ServerConfig.this.kvType;

        ServerConfig build() {
            return new ServerConfig(host, port, models, threads, contextSize, parallel, apiKey, corsOrigins,
                    maxBodyBytes, maxQueued, maxQueueWait, jobs, onDemand, readTimeout, kvType);
        }
    }

    /** Records print their components; the key must never reach a log. */
    @Override
    public String toString() {
        return "ServerConfig[host=" + host + ", port=" + port + ", models=" + models + ", threads=" + threads
                + ", ctx=" + contextSize + ", kvType=" + kvType + ", parallel=" + parallel + ", apiKey=" + (apiKey == null ? "none" : "***")
                + ", cors=" + corsOrigins + ", maxBody=" + maxBodyBytes + ", onDemand=" + onDemand + "]";
    }
}

package dev.jllm.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How {@code jllm serve} serves models that requests name (not the pinned {@code --model}s): loaded from the
 * store on first use, unloaded after {@code keepAlive} without use, at most {@code maxLoaded} at once and within
 * {@code memoryBudget} bytes of model files.
 *
 * @param keepAlive    how long an unused model stays loaded; negative keeps it until evicted, zero unloads it after
 *                     each request
 * @param maxLoaded    models loaded on demand at once (pinned ones are not counted)
 * @param memoryBudget bytes of model files loaded on demand at once; 0 = three quarters of the physical memory
 * @param modelsDirs   directories whose model files requests may name by path (nothing else on disk is reachable)
 * @param pull         whether Hugging Face references may be pulled, and when
 */
public record OnDemandConfig(Duration keepAlive, int maxLoaded, long memoryBudget, List<Path> modelsDirs,
                             Pull pull) {

    /** When the server pulls a Hugging Face reference it does not have. */
    public enum Pull {
        /** Through {@code POST /api/pull} and when a chat or generate request names one. */
        ON_REQUEST,
        /** Only through {@code POST /api/pull} (Ollama's rule: a request for a missing model is a 404). */
        EXPLICIT,
        /** Never: the server serves what the store holds. */
        NEVER;

        public static Pull parse(String s) {
            return switch (s == null ? "" : s.strip().toLowerCase(Locale.ROOT)) {
                case "on-request", "on_request", "always" -> ON_REQUEST;
                case "explicit" -> EXPLICIT;
                case "never", "off" -> NEVER;
                default -> throw new IllegalArgumentException("pull mode must be on-request, explicit or never, got '"
                        + s + "'");
            };
        }

        public String wireName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofMinutes(5);
    public static final int DEFAULT_MAX_LOADED = 3;

    public OnDemandConfig {
        Objects.requireNonNull(keepAlive, "keepAlive");
        Objects.requireNonNull(pull, "pull");
        modelsDirs = modelsDirs.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        if (maxLoaded < 1) {
            throw new IllegalArgumentException("max loaded models must be at least 1, got " + maxLoaded);
        }
        if (memoryBudget < 0) {
            throw new IllegalArgumentException("the memory budget must not be negative");
        }
    }

    public static OnDemandConfig defaults() {
        return new OnDemandConfig(DEFAULT_KEEP_ALIVE, DEFAULT_MAX_LOADED, 0, List.of(), Pull.EXPLICIT);
    }

    public OnDemandConfig withKeepAlive(Duration v) {
        return new OnDemandConfig(v, maxLoaded, memoryBudget, modelsDirs, pull);
    }

    public OnDemandConfig withMaxLoaded(int v) {
        return new OnDemandConfig(keepAlive, v, memoryBudget, modelsDirs, pull);
    }

    public OnDemandConfig withMemoryBudget(long v) {
        return new OnDemandConfig(keepAlive, maxLoaded, v, modelsDirs, pull);
    }

    public OnDemandConfig withModelsDirs(List<Path> v) {
        return new OnDemandConfig(keepAlive, maxLoaded, memoryBudget, v, pull);
    }

    public OnDemandConfig withPull(Pull v) {
        return new OnDemandConfig(keepAlive, maxLoaded, memoryBudget, modelsDirs, v);
    }

    /** The byte budget in force: the configured one, else three quarters of the physical memory. */
    public long effectiveMemoryBudget() {
        if (memoryBudget > 0) {
            return memoryBudget;
        }
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os && os.getTotalMemorySize() > 0) {
            return os.getTotalMemorySize() / 4 * 3;
        }
        return Long.MAX_VALUE;
    }
}

package dev.jllm.server.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The bounds of the jobs API.
 *
 * @param maxRunning         jobs running at once; more wait in line
 * @param maxQueued          jobs waiting at most; more are refused with 429
 * @param ttl                how long a finished job stays readable
 * @param maxFinished        finished jobs kept at most, whatever their age (oldest forgotten first)
 * @param maxEventsPerJob    events kept per job
 * @param maxEventBytesPerJob bytes of event payload kept per job
 * @param orphanTimeout      how long a chat job may go without anyone following it (an open event stream or a
 *                           look at the job) before it is cancelled, unless it was submitted detached
 */
public record JobLimits(int maxRunning, int maxQueued, Duration ttl, int maxFinished, int maxEventsPerJob,
                        long maxEventBytesPerJob, Duration orphanTimeout) {

    public JobLimits {
        Objects.requireNonNull(ttl, "ttl");
        if (orphanTimeout == null || orphanTimeout.isNegative() || orphanTimeout.isZero()) {
            throw new IllegalArgumentException("the orphan timeout must be positive: " + orphanTimeout);
        }
        if (maxRunning < 1 || maxQueued < 0 || maxFinished < 1 || maxEventsPerJob < 1 || maxEventBytesPerJob < 1
                || ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("invalid job limits: " + maxRunning + ", " + maxQueued + ", " + ttl
                    + ", " + maxFinished + ", " + maxEventsPerJob + ", " + maxEventBytesPerJob);
        }
    }

    public static JobLimits defaults() {
        return new JobLimits(8, 1000, Duration.ofMinutes(15), 1000, 100_000, 32L << 20, Duration.ofSeconds(30));
    }

    public JobLimits withMaxRunning(int n) {
        return new JobLimits(n, maxQueued, ttl, maxFinished, maxEventsPerJob, maxEventBytesPerJob, orphanTimeout);
    }

    public JobLimits withTtl(Duration d) {
        return new JobLimits(maxRunning, maxQueued, d, maxFinished, maxEventsPerJob, maxEventBytesPerJob, orphanTimeout);
    }

    public JobLimits withMaxQueued(int n) {
        return new JobLimits(maxRunning, n, ttl, maxFinished, maxEventsPerJob, maxEventBytesPerJob, orphanTimeout);
    }

    public JobLimits withOrphanTimeout(Duration d) {
        return new JobLimits(maxRunning, maxQueued, ttl, maxFinished, maxEventsPerJob, maxEventBytesPerJob, d);
    }

    public JobLimits withMaxEventsPerJob(int n) {
        return new JobLimits(maxRunning, maxQueued, ttl, maxFinished, n, maxEventBytesPerJob, orphanTimeout);
    }
}

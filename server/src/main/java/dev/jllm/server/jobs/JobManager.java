package dev.jllm.server.jobs;

import dev.jllm.server.config.JobLimits;
import dev.jllm.server.metrics.Metrics;
import dev.jllm.server.openai.ApiError;
import dev.jllm.server.openai.ApiException;
import dev.jllm.server.openai.Errors;
import dev.jllm.server.openai.JsonFields;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs jobs: at most {@code maxRunning} at once per lane, each on its own virtual thread, the rest waiting in
 * arrival order. Control jobs (instances, the current model, service info, model lists) have a lane of their own,
 * so they never wait behind generations or downloads. Finished jobs stay readable for the TTL (and within a count
 * bound), then are forgotten. A chat job nobody follows for the orphan timeout is cancelled unless detached.
 * Thread-safe.
 */
public final class JobManager implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(JobManager.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, JobType> types;
    private final JobLimits limits;
    private final Metrics metrics;
    private final Clock clock;

    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    /** Holds lock. */
    private static final class Lane {
        final ArrayDeque<Job> queue = new ArrayDeque<>();
        int running;
    }

    private final Lane control = new Lane();
    private final Lane work = new Lane();
    private final ArrayDeque<Job> finished = new ArrayDeque<>();
    private boolean closed;
    private final ScheduledExecutorService sweeper;

    public JobManager(Map<String, JobType> types, JobLimits limits, Metrics metrics, Clock clock) {
        this.types = Map.copyOf(types);
        this.limits = limits;
        this.metrics = metrics;
        this.clock = clock;
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jllm-job-sweeper");
            t.setDaemon(true);
            return t;
        });
        long every = Math.clamp(Math.min(limits.ttl().toMillis(), limits.orphanTimeout().toMillis()) / 4, 250,
                30_000);
        sweeper.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
        metrics.activeJobs.track(this::running);
        metrics.queueDepth.track(this::queued, "jobs");
    }

    public Set<String> types() {
        return new TreeSet<>(types.keySet());
    }

    /**
     * Checks the parameters and queues the job (or starts it at once).
     *
     * @throws ApiException 400 for an unknown type or bad parameters, 429 when too many jobs wait
     */
    public Job submit(String type, JsonObject params) {
        return submit(type, params, false);
    }

    /** Jobs that only read or change the registry and the current model: quick, never behind a generation. */
    static boolean isControl(String type) {
        return type.startsWith("instance.") || type.startsWith("current_model.") || type.equals("service.info")
                || type.equals("models.list");
    }

    /**
     * @param detached whether the job runs to its end even when nobody follows it (chat jobs are otherwise
     *                 cancelled after the orphan timeout)
     */
    public Job submit(String requestedType, JsonObject params, boolean detached) {
        String type = JobTypes.canonical(requestedType);
        JobType t = types.get(type);
        if (t == null) {
            throw ApiException.invalid("unknown job type '" + type + "'; known types: "
                    + String.join(", ", types()), "type");
        }
        JobHandler handler = t.prepare(new JsonFields(params == null ? JsonValue.EMPTY_JSON_OBJECT : params,
                "params"));
        Job job = new Job(newId(), type, handler, clock.instant(),
                new JobEventLog(limits.maxEventsPerJob(), limits.maxEventBytesPerJob()), detached);
        Lane lane = isControl(type) ? control : work;
        synchronized (lock) {
            if (closed) {
                throw new ApiException(new ApiError(503, "unavailable_error", "the server is shutting down", null,
                        null, Duration.ofSeconds(5)));
            }
            if (lane.running >= limits.maxRunning() && lane.queue.size() >= limits.maxQueued()) {
                throw new ApiException(new ApiError(429, "rate_limit_error", "too many jobs are waiting ("
                        + lane.queue.size() + "); try again later", null, "too_many_jobs", Duration.ofSeconds(2)));
            }
            jobs.put(job.id(), job);
            if (lane.running < limits.maxRunning()) {
                lane.running++;
                launch(job, lane);
            } else {
                lane.queue.addLast(job);
            }
        }
        return job;
    }

    /** Every job still known (running, queued, or finished and not yet forgotten), oldest first. */
    public List<Job> list() {
        List<Job> all = new ArrayList<>(jobs.values());
        all.sort(Comparator.comparing(Job::createdAt).thenComparing(Job::id));
        return all;
    }

    public Optional<Job> get(String id) {
        return Optional.ofNullable(id == null ? null : jobs.get(id));
    }

    /** Asks a job to stop; empty when there is no such job. */
    public Optional<Job> cancel(String id) {
        Job job = jobs.get(id);
        if (job == null) {
            return Optional.empty();
        }
        if (job.cancel(clock.instant())) {
            synchronized (lock) {
                control.queue.remove(job);
                work.queue.remove(job);
                retire(job);
            }
            metrics.jobs.inc(job.type(), job.status().wire());
        }
        return Optional.of(job);
    }

    public int running() {
        synchronized (lock) {
            return control.running + work.running;
        }
    }

    public int queued() {
        synchronized (lock) {
            return control.queue.size() + work.queue.size();
        }
    }

    private void launch(Job job, Lane lane) {
        Thread.ofVirtual().name("jllm-job-" + job.id()).start(() -> run(job, lane));
    }

    private void run(Job job, Lane lane) {
        boolean started = false;
        try {
            started = job.start(Thread.currentThread(), clock.instant());
            if (!started) {
                return; // cancelled while it waited: cancel() retired it
            }
            try {
                JsonValue result = job.handler().run(job);
                if (job.isCancelled()) {
                    job.endCancelled(clock.instant());
                } else {
                    job.succeed(result == null ? JsonValue.NULL : result, clock.instant());
                }
            } catch (Throwable t) {
                if (job.isCancelled()) {
                    job.endCancelled(clock.instant());
                } else {
                    job.fail(t, Errors.from(t), clock.instant());
                }
                if (t instanceof Error e && !(t instanceof StackOverflowError) && !(t instanceof OutOfMemoryError)) {
                    throw e;
                }
            }
            metrics.jobs.inc(job.type(), job.status().wire());
        } finally {
            Thread.interrupted(); // a cancel's interrupt must not leak into the next job on this carrier
            Job next;
            synchronized (lock) {
                if (started) {
                    retire(job);
                }
                next = closed ? null : lane.queue.pollFirst();
                if (next == null) {
                    lane.running--;
                }
            }
            if (next != null) {
                launch(next, lane); // the slot passes on: running stays the same
            }
        }
    }

    /** Holds lock. Remembers a finished job and forgets the oldest beyond the count bound. */
    private void retire(Job job) {
        finished.addLast(job);
        while (finished.size() > limits.maxFinished()) {
            jobs.remove(finished.pollFirst().id());
        }
    }

    /** Forgets finished jobs older than the TTL; cancels chat jobs nobody follows any more. */
    void sweep() {
        Instant orphanCutoff = clock.instant().minus(limits.orphanTimeout());
        for (Job j : jobs.values()) {
            if (j.type().equals("chat.completion") && j.orphanedSince(orphanCutoff)) {
                LOG.log(System.Logger.Level.INFO, "cancelling job " + j.id() + ": nobody has followed it for "
                        + limits.orphanTimeout().toSeconds() + " s (submit it with \"detach\": true to keep it)");
                cancel(j.id());
            }
        }
        try {
            Instant cutoff = clock.instant().minus(limits.ttl());
            synchronized (lock) {
                for (Iterator<Job> it = finished.iterator(); it.hasNext(); ) {
                    Job j = it.next();
                    Instant f = j.finishedAt();
                    if (f != null && f.isBefore(cutoff)) {
                        it.remove();
                        jobs.remove(j.id());
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "sweeping finished jobs failed", e);
        }
    }

    /** Cancels every job and stops the sweeper. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
        }
        for (Job j : jobs.values()) {
            j.cancel(clock.instant());
        }
        synchronized (lock) {
            control.queue.clear();
            work.queue.clear();
        }
        sweeper.shutdownNow();
    }

    private static String newId() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return "job_" + HexFormat.of().formatHex(b);
    }
}

package dev.jllm.server.jobs;

import dev.jllm.api.LlmException;
import dev.jllm.api.ProgressEvent;
import dev.jllm.server.config.JobLimits;
import dev.jllm.server.metrics.Metrics;
import dev.jllm.server.openai.ApiException;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobManagerTest {

    private final Metrics metrics = new Metrics();
    private final CountDownLatch release = new CountDownLatch(1);
    private JobManager manager;

    /** "wait": blocks until released (or cancelled), "echo": returns its params, "fail": 404, "progress": 2 steps. */
    private Map<String, JobType> types() {
        return Map.of(
                "wait", p -> ctx -> {
                    release.await();
                    return Json.createValue("released");
                },
                "echo", p -> {
                    p.allowOnly(java.util.Set.of("x"));
                    String x = p.requiredString("x");
                    return ctx -> Json.createObjectBuilder().add("x", x).build();
                },
                "fail", p -> ctx -> {
                    throw LlmException.notFound("nothing here");
                },
                "progress", p -> ctx -> {
                    ctx.progress(ProgressEvent.of("one", "first"));
                    ctx.chunk("{\"k\":1}");
                    return Json.createValue(2);
                });
    }

    private JobManager start(JobLimits limits, Clock clock) {
        manager = new JobManager(types(), limits, metrics, clock);
        return manager;
    }

    @AfterEach
    void close() {
        release.countDown();
        if (manager != null) {
            manager.close();
        }
    }

    private static JobStatus awaitFinal(Job job) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!job.status().isFinal() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return job.status();
    }

    @Test
    void runsAJobAndRecordsItsResultAndEvents() throws Exception {
        JobManager m = start(JobLimits.defaults(), Clock.systemUTC());
        Job job = m.submit("progress", null);
        assertThat(awaitFinal(job)).isEqualTo(JobStatus.SUCCEEDED);
        JsonObject o = job.toJson();
        assertThat(o.getString("status")).isEqualTo("succeeded");
        assertThat(o.getInt("result")).isEqualTo(2);
        assertThat(job.events().read(0, Duration.ZERO).events()).extracting(JobEvent::type)
                .containsExactly(JobEvent.PROGRESS, JobEvent.CHUNK, JobEvent.RESULT);
        assertThat(metrics.jobs.value("progress", "succeeded")).isEqualTo(1);
    }

    @Test
    void badParamsAndUnknownTypesAreRefusedAtSubmission() {
        JobManager m = start(JobLimits.defaults(), Clock.systemUTC());
        assertThatThrownBy(() -> m.submit("nope", null)).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.error().param()).isEqualTo("type"));
        assertThatThrownBy(() -> m.submit("echo", Json.createObjectBuilder().add("y", 1).build()))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.error().param()).isEqualTo("params.y"));
        assertThatThrownBy(() -> m.submit("echo", Json.createObjectBuilder().build()))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.error().param()).isEqualTo("params.x"));
    }

    @Test
    void aFailingJobKeepsItsErrorWithTheHttpStatus() throws Exception {
        JobManager m = start(JobLimits.defaults(), Clock.systemUTC());
        Job job = m.submit("fail", null);
        assertThat(awaitFinal(job)).isEqualTo(JobStatus.FAILED);
        JsonObject e = job.toJson().getJsonObject("error");
        assertThat(e.getString("message")).isEqualTo("nothing here");
        assertThat(e.getInt("http_status")).isEqualTo(404);
        assertThat(job.events().read(0, Duration.ZERO).events().getLast().type()).isEqualTo(JobEvent.ERROR);
    }

    @Test
    void beyondMaxRunningJobsQueueInOrderAndQueuedOnesCancelAtOnce() throws Exception {
        JobManager m = start(JobLimits.defaults().withMaxRunning(1).withMaxQueued(2), Clock.systemUTC());
        Job running = m.submit("wait", null);
        Job queued = m.submit("echo", Json.createObjectBuilder().add("x", "a").build());
        Job cancelled = m.submit("echo", Json.createObjectBuilder().add("x", "b").build());
        assertThatThrownBy(() -> m.submit("progress", null)).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.error().status()).isEqualTo(429));
        assertThat(m.queued()).isEqualTo(2);
        assertThat(queued.status()).isEqualTo(JobStatus.QUEUED);
        m.cancel(cancelled.id());
        assertThat(cancelled.status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(m.queued()).isEqualTo(1);
        release.countDown();
        assertThat(awaitFinal(running)).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(awaitFinal(queued)).isEqualTo(JobStatus.SUCCEEDED);
        // a job's final status is published before its thread gives the lane's slot back (in its finally block), so
        // the count reaches zero just after: wait for it, within a bound (this raced once in CI)
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (m.running() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(m.running()).isZero();
    }

    @Test
    void cancellingARunningJobInterruptsItAndRunsItsHooks() throws Exception {
        JobManager m = start(JobLimits.defaults(), Clock.systemUTC());
        assertThat(m.cancel("job_unknown")).isEmpty();
        Job job = m.submit("wait", null);
        AtomicReference<String> hook = new AtomicReference<>();
        while (job.status() != JobStatus.RUNNING) {
            Thread.sleep(1);
        }
        job.onCancel(() -> hook.set("ran"));
        m.cancel(job.id());
        assertThat(awaitFinal(job)).isEqualTo(JobStatus.CANCELLED);
        assertThat(hook.get()).isEqualTo("ran");
        assertThat(job.events().read(0, Duration.ZERO).events()).extracting(JobEvent::type)
                .containsExactly(JobEvent.CANCELLED);
    }

    @Test
    void finishedJobsAreForgottenAfterTheTtl() throws Exception {
        MutableClock clock = new MutableClock();
        JobManager m = start(JobLimits.defaults().withTtl(Duration.ofMinutes(1)), clock);
        Job job = m.submit("progress", null);
        awaitFinal(job);
        while (m.running() > 0) { // the runner retires the job just after it turned final
            Thread.sleep(1);
        }
        m.sweep();
        assertThat(m.get(job.id())).isPresent();
        clock.now = clock.now.plus(Duration.ofMinutes(2));
        m.sweep();
        assertThat(m.get(job.id())).isEmpty();
    }

    private static final class MutableClock extends Clock {
        volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}

package dev.jllm.tests.behaviour;

import dev.jllm.tests.support.Http;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.IntPredicate;

import static org.assertj.core.api.Assertions.assertThat;

/** Reads the server's {@code /metrics}: how jobs ended is what shows that a cancel reached the server. */
final class ServerMetrics {

    private final Http http;

    ServerMetrics(Http http) {
        this.http = http;
    }

    /** {@code jllm_jobs_total{type=...,status=...}}, 0 before the first such job. */
    int jobs(String type, String status) {
        HttpResponse<String> r = http.get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        String prefix = "jllm_jobs_total{type=\"" + type + "\",status=\"" + status + "\"} ";
        for (String line : r.body().split("\n")) {
            if (line.startsWith(prefix)) {
                return (int) Double.parseDouble(line.substring(prefix.length()).strip());
            }
        }
        return 0;
    }

    /** Waits until {@code jobs(type, status)} satisfies the condition, failing after {@code max}. */
    void awaitJobs(String type, String status, IntPredicate condition, Duration max) throws InterruptedException {
        Waiting.until(() -> condition.test(jobs(type, status)), max, () -> "jobs " + type + "/" + status + " = "
                + jobs(type, status));
    }
}

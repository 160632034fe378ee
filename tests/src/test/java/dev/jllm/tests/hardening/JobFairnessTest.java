package dev.jllm.tests.hardening;

import dev.jllm.server.config.JobLimits;
import dev.jllm.tests.support.Http;
import dev.jllm.tests.support.Jobs;
import dev.jllm.tests.support.TestServer;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Control jobs never wait behind generations or downloads (their own runner lane), a chat job nobody follows is
 * cancelled after the orphan timeout unless detached, and a chat job waiting for a generation slot has a deadline.
 */
class JobFairnessTest {

    private static final String SLOW_CHAT = "{\"instance\":\"fake\",\"request\":{\"model\":\"fake-model\","
            + "\"messages\":[{\"role\":\"user\",\"content\":\"[slow] a long story\"}]}}";

    private static String chatJob(boolean detach) {
        return "{\"type\":\"chat.completion\",\"detach\":" + detach + ",\"params\":" + SLOW_CHAT + "}";
    }

    @Test
    void controlJobsDoNotWaitBehindAFullQueueOfChatsAndDownloads() throws Exception {
        try (TestServer server = TestServer.start(c -> c.withJobs(JobLimits.defaults().withMaxRunning(2)))) {
            Http http = server.http();
            Jobs jobs = new Jobs(http);
            String puller = jobs.submit("instance.create", "{\"name\":\"puller\",\"type\":\"ollama\","
                    + "\"config\":{\"base_url\":\"" + server.upstream().baseUrl() + "\"}}").getString("id");
            assertThat(jobs.await(puller, Duration.ofSeconds(20)).getString("status")).isEqualTo("succeeded");
            List<String> work = new ArrayList<>();
            for (int i = 0; i < 8; i++) { // 2 downloads running; 2 more and 4 chats waiting for a runner
                HttpResponse<String> r = http.post("/v1/jobs", i < 4
                        ? "{\"type\":\"model.serve\",\"params\":{\"instance\":\"puller\",\"model\":\"slow-" + i + "\"}}"
                        : chatJob(true));
                assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
                work.add(Http.json(r).getString("id"));
            }
            Thread.sleep(300);
            assertThat(jobs.get(work.getFirst()).getString("type")).isEqualTo("model.serve");
            assertThat(jobs.get(work.getFirst()).getString("status")).isEqualTo("running");
            assertThat(jobs.get(work.getLast()).getString("status")).isEqualTo("queued");
            List<Double> seconds = new ArrayList<>();
            for (String type : List.of("service.info", "instance.list", "current_model.get", "models.list")) {
                long t0 = System.nanoTime();
                JsonObject done = jobs.await(jobs.submit(type, "{}").getString("id"), Duration.ofSeconds(20));
                seconds.add((System.nanoTime() - t0) / 1e9);
                assertThat(done.getString("status")).as(type + ": " + done).isEqualTo("succeeded");
            }
            System.out.println("control job latency behind 2 running downloads + 2 queued downloads + 4 queued chat"
                    + " jobs (s): " + seconds);
            assertThat(seconds).allSatisfy(s -> assertThat(s).isLessThan(2.0));
            for (String id : work) {
                http.delete("/v1/jobs/" + id);
            }
        }
    }

    @Test
    void aChatJobNobodyFollowsIsCancelledUnlessDetached() throws Exception {
        try (TestServer server = TestServer.start(c -> c.withJobs(JobLimits.defaults()
                .withOrphanTimeout(Duration.ofSeconds(1))))) {
            Http http = server.http();
            Jobs jobs = new Jobs(http);
            String orphan = Http.json(http.post("/v1/jobs", chatJob(false))).getString("id");
            String detached = Http.json(http.post("/v1/jobs", chatJob(true))).getString("id");
            // A followed one: its event stream stays open.
            String followedId = Http.json(http.post("/v1/jobs", chatJob(false))).getString("id");
            HttpResponse<InputStream> stream = http.stream(http.request("/v1/jobs/" + followedId + "/events")
                    .GET().build());
            assertThat(stream.statusCode()).isEqualTo(200);
            InputStream events = stream.body();
            Thread.ofVirtual().start(() -> {
                try {
                    events.transferTo(java.io.OutputStream.nullOutputStream());
                } catch (Exception ignored) {
                    // closed at the end of the test
                }
            });

            JsonObject o = awaitStatus(jobs, orphan, "cancelled", Duration.ofSeconds(15));
            assertThat(o.getString("status")).isEqualTo("cancelled");
            assertThat(jobs.get(detached).getString("status")).isEqualTo("running");
            assertThat(jobs.get(followedId).getString("status")).isEqualTo("running");
            http.delete("/v1/jobs/" + detached);
            http.delete("/v1/jobs/" + followedId);
            events.close();
        }
    }

    @Test
    void aChatJobWaitingForASlotHasADeadline() throws Exception {
        try (TestServer server = TestServer.start(c -> c.withParallel(1).withMaxQueueWait(Duration.ofSeconds(1)))) {
            Http http = server.http();
            HttpResponse<InputStream> holder = http.stream(http.request("/v1/chat/completions")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Http.chat("fake", "[slow] long", "\"stream\":true")))
                    .build());
            assertThat(holder.statusCode()).isEqualTo(200);
            Jobs jobs = new Jobs(http);
            long t0 = System.nanoTime();
            String id = Http.json(http.post("/v1/jobs", chatJob(true))).getString("id");
            JsonObject done = jobs.await(id, Duration.ofSeconds(20));
            double waited = (System.nanoTime() - t0) / 1e9;
            assertThat(done.getString("status")).isEqualTo("failed");
            assertThat(done.toString()).contains("server_overloaded");
            assertThat(waited).isLessThan(5.0);
            holder.body().close();
        }
    }

    /**
     * Polls the job list ({@code GET /v1/jobs}), which does not count as following a job: {@code GET /v1/jobs/{id}}
     * does (a client polling a job is still there), so polling that would keep the job from ever being orphaned.
     */
    private static JsonObject awaitStatus(Jobs jobs, String id, String status, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonObject j;
        do {
            j = listed(jobs, id);
            if (j.getString("status").equals(status)) {
                return j;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        return j;
    }

    private static JsonObject listed(Jobs jobs, String id) {
        for (var v : jobs.list()) {
            JsonObject o = v.asJsonObject();
            if (o.getString("id").equals(id)) {
                return o;
            }
        }
        throw new AssertionError("job " + id + " is not listed");
    }
}

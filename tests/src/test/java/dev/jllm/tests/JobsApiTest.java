package dev.jllm.tests;

import dev.jllm.tests.support.EventReader;
import dev.jllm.tests.support.FakeUpstream;
import dev.jllm.tests.support.Http;
import dev.jllm.tests.support.Jobs;
import dev.jllm.tests.support.SseStream;
import dev.jllm.tests.support.TestServer;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The jobs API: submit, follow, resume with Last-Event-ID, cancel; the job types proxies forward. */
class JobsApiTest {

    private static TestServer server;
    private static Http http;
    private static Jobs jobs;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        http = server.http();
        jobs = new Jobs(http);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String chatParams(String text, int maxTokens) {
        return "{\"instance\":\"fake\",\"request\":" + Http.chat("fake-model", text, "\"max_tokens\":" + maxTokens)
                + "}";
    }

    @Test
    void submitAnswers202WithTheJob() {
        HttpResponse<String> r = http.post("/v1/jobs", "{\"type\":\"current_model.get\",\"params\":{}}");
        assertThat(r.statusCode()).isEqualTo(202);
        JsonObject job = Http.json(r);
        assertThat(job.getString("id")).startsWith("job_");
        assertThat(job.getString("object")).isEqualTo("job");
        assertThat(job.getString("type")).isEqualTo("current_model.get");
        assertThat(job.getString("status")).isIn("queued", "running", "succeeded");
        assertThat(r.headers().firstValue("Location")).hasValue("/v1/jobs/" + job.getString("id"));
    }

    @Test
    void serveJobReportsProgressThenItsResult() throws Exception {
        JsonObject created = jobs.submit("instance.create", "{\"name\":\"olla\",\"type\":\"ollama\","
                + "\"config\":{\"base_url\":\"" + server.upstream().baseUrl() + "\"}}");
        assertThat(jobs.await(created.getString("id"), Duration.ofSeconds(10)).getString("status"))
                .isEqualTo("succeeded");

        JsonObject job = jobs.submit("model.serve", "{\"instance\":\"olla\",\"model\":\"tiny:1b\"}");
        List<SseStream.Event> events;
        try (EventReader r = jobs.events(job.getString("id"), null)) {
            events = r.rest();
        }
        assertIdsCountFromOne(events);
        List<SseStream.Event> progress = events.subList(0, events.size() - 1);
        assertThat(progress).allSatisfy(e -> assertThat(e.event()).isEqualTo("progress"));
        List<String> stages = progress.stream().map(e -> Http.json(e.data()).getString("stage")).toList();
        assertThat(stages).contains("pulling", "verifying", "pulled", "loading", "done");
        JsonObject bytes = progress.stream().map(e -> Http.json(e.data()))
                .filter(p -> p.getJsonNumber("bytes_total").longValue() == 1000).findFirst().orElseThrow();
        assertThat(bytes.getJsonNumber("percent").doubleValue()).isBetween(0.0, 100.0);

        SseStream.Event last = events.getLast();
        assertThat(last.event()).isEqualTo("result");
        JsonObject result = Http.json(last.data());
        assertThat(result.getString("instance")).isEqualTo("olla");
        assertThat(result.getString("model")).isEqualTo("tiny:1b");

        JsonObject done = jobs.get(job.getString("id"));
        assertThat(done.getString("status")).isEqualTo("succeeded");
        assertThat(done.getJsonObject("result")).isEqualTo(result);
        assertThat(done.getInt("last_event_id")).isEqualTo(events.size());
        assertThat(http.get("/metrics").body()).contains("jllm_model_load_seconds{instance=\"olla\"}");
    }

    @Test
    void chatJobStreamsChunksThenTheWholeCompletion() {
        JsonObject job = jobs.submit("chat.completion", chatParams("Tell a story", 4));
        List<SseStream.Event> events;
        try (EventReader r = jobs.events(job.getString("id"), null)) {
            events = r.rest();
        }
        assertIdsCountFromOne(events);
        List<SseStream.Event> chunks = events.subList(0, events.size() - 1);
        assertThat(chunks).hasSize(4).allSatisfy(e -> assertThat(e.event()).isEqualTo("chunk"));
        StringBuilder text = new StringBuilder();
        for (SseStream.Event e : chunks) {
            JsonObject c = Http.json(e.data());
            assertThat(c.getString("object")).isEqualTo("chat.completion.chunk");
            text.append(c.getJsonArray("choices").getJsonObject(0).getJsonObject("delta").getString("content"));
        }
        assertThat(text.toString()).isEqualTo(String.join("", FakeUpstream.STORY.subList(0, 4)));
        assertThat(events.getLast().event()).isEqualTo("result");
        JsonObject whole = Http.json(events.getLast().data());
        assertThat(whole.getString("object")).isEqualTo("chat.completion");
        JsonObject choice = whole.getJsonArray("choices").getJsonObject(0);
        assertThat(choice.getJsonObject("message").getString("content")).isEqualTo(text.toString());
        assertThat(choice.getString("finish_reason")).isEqualTo("length");
    }

    @Test
    void cancellingARunningJobStopsItsGeneration() throws Exception {
        int abortedBefore = server.upstream().abortedStreams();
        JsonObject job = jobs.submit("chat.completion", chatParams("[slow] go on", 300));
        String id = job.getString("id");
        try (EventReader r = jobs.events(id, null)) {
            assertThat(r.next().event()).isEqualTo("chunk");
            assertThat(r.next().event()).isEqualTo("chunk");
            HttpResponse<String> del = http.delete("/v1/jobs/" + id);
            assertThat(del.statusCode()).isEqualTo(200);
            assertThat(Http.json(del).getString("status")).isEqualTo("cancelled");
            List<SseStream.Event> rest = r.rest();
            assertThat(rest.getLast().event()).isEqualTo("cancelled");
            assertThat(Http.json(rest.getLast().data()).getString("status")).isEqualTo("cancelled");
            assertThat(rest.stream().filter(e -> !e.event().equals("chunk")).count()).isEqualTo(1);
        }
        JsonObject done = jobs.get(id);
        assertThat(done.getString("status")).isEqualTo("cancelled");
        assertThat(done.get("result")).isEqualTo(JsonValue.NULL);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (server.upstream().abortedStreams() == abortedBefore && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(server.upstream().abortedStreams()).isEqualTo(abortedBefore + 1);
        // Cancelling again, or a finished job, changes nothing.
        assertThat(Http.json(http.delete("/v1/jobs/" + id)).getString("status")).isEqualTo("cancelled");
    }

    @Test
    void lastEventIdResumesALiveJobWithoutLossOrDuplication() {
        JsonObject job = jobs.submit("chat.completion", chatParams("[slow] a story", 15));
        String id = job.getString("id");
        List<SseStream.Event> seen = new ArrayList<>();
        try (EventReader r = jobs.events(id, null)) {
            for (int i = 0; i < 3; i++) {
                seen.add(r.next());
            }
        } // dropped mid-job
        try (EventReader r = jobs.events(id, seen.getLast().id())) {
            seen.addAll(r.rest());
        }
        assertIdsCountFromOne(seen);
        assertThat(seen).hasSize(16);
        assertThat(seen.getLast().event()).isEqualTo("result");
        StringBuilder text = new StringBuilder();
        for (SseStream.Event e : seen.subList(0, 15)) {
            text.append(Http.json(e.data()).getJsonArray("choices").getJsonObject(0).getJsonObject("delta")
                    .getString("content"));
        }
        assertThat(text.toString()).isEqualTo(Http.json(seen.getLast().data()).getJsonArray("choices")
                .getJsonObject(0).getJsonObject("message").getString("content"));
    }

    @Test
    void resumingAFinishedJobReplaysTheRest() throws Exception {
        JsonObject job = jobs.submit("chat.completion", chatParams("Tell a story", 12));
        String id = job.getString("id");
        jobs.await(id, Duration.ofSeconds(10));
        List<SseStream.Event> all;
        try (EventReader r = jobs.events(id, null)) {
            all = r.rest();
        }
        List<SseStream.Event> tail;
        try (EventReader r = jobs.events(id, "7")) {
            tail = r.rest();
        }
        assertThat(tail).isEqualTo(all.subList(7, all.size()));
        HttpResponse<String> after = http.get("/v1/jobs/" + id + "/events?after=" + all.size());
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(SseStream.parse(after.body()).events()).isEmpty();
        JsonObject e = ErrorsHttpTest.error(http.get("/v1/jobs/" + id + "/events?after=" + (all.size() + 5)), 400);
        assertThat(e.getString("param")).isEqualTo("after");
    }

    @Test
    void resumingFromBeforeWhatTheLogStillKeepsIs410NotASilentGap() throws Exception {
        try (TestServer small = TestServer.start(c -> c.withJobs(c.jobs().withMaxEventsPerJob(4)))) {
            Jobs j = new Jobs(small.http());
            String id = j.submit("chat.completion", chatParams("Tell a story", 12)).getString("id");
            j.await(id, Duration.ofSeconds(10));
            JsonObject e = ErrorsHttpTest.error(small.http().send(small.http().request("/v1/jobs/" + id + "/events")
                    .header("Last-Event-ID", "2").GET().build()), 410);
            assertThat(e.getString("code")).isEqualTo("events_expired");
            try (EventReader r = j.events(id, "9")) {
                assertThat(r.rest()).extracting(SseStream.Event::id).containsExactly("10", "11", "12", "13");
            }
        }
    }

    @Test
    void jobsBeyondTheRunningBoundQueueAndCanBeCancelledWhileQueued() throws Exception {
        try (TestServer small = TestServer.start(c -> c.withJobs(c.jobs().withMaxRunning(1)))) {
            Jobs j = new Jobs(small.http());
            String first = j.submit("chat.completion", chatParams("[slow] one", 10)).getString("id");
            JsonObject second = j.submit("chat.completion", chatParams("[slow] two", 3));
            JsonObject third = j.submit("current_model.get", "{}");
            assertThat(second.getString("status")).isEqualTo("queued");
            // Only the second chat job waits: the control job (current_model.get) has a runner lane of its own.
            assertThat(small.http().get("/metrics").body()).contains("jllm_queue_depth{queue=\"jobs\"} 1");
            HttpResponse<String> del = small.http().delete("/v1/jobs/" + second.getString("id"));
            assertThat(Http.json(del).getString("status")).isEqualTo("cancelled");
            try (EventReader r = j.events(second.getString("id"), null)) {
                List<SseStream.Event> events = r.rest();
                assertThat(events).hasSize(1);
                assertThat(events.getFirst().event()).isEqualTo("cancelled");
            }
            assertThat(j.await(first, Duration.ofSeconds(10)).getString("status")).isEqualTo("succeeded");
            assertThat(j.await(third.getString("id"), Duration.ofSeconds(10)).getString("status"))
                    .isEqualTo("succeeded");
        }
    }

    @Test
    void instanceAndCurrentModelJobsAndTheEventsStream() throws Exception {
        HttpResponse<InputStream> stream = http.stream(http.request("/v1/events").GET().build());
        assertThat(stream.statusCode()).isEqualTo(200);
        try (EventReader events = new EventReader(stream.body())) {
            SseStream.Event initial = events.next();
            assertThat(initial.event()).isEqualTo("current_model");
            assertThat(Http.json(initial.data()).getJsonObject("current_model").getString("model_id"))
                    .isEqualTo(FakeUpstream.MODEL);

            String create = jobs.submit("instance.create", "{\"name\":\"second\",\"type\":\"openai\",\"config\":{"
                    + "\"base_url\":\"" + server.upstream().baseUrl() + "\",\"api_key\":\"k\"}}").getString("id");
            JsonObject info = jobs.await(create, Duration.ofSeconds(10)).getJsonObject("result");
            assertThat(info.getString("name")).isEqualTo("second");
            assertThat(info.getString("type")).isEqualTo("openai");
            assertThat(info.getBoolean("ready")).isTrue();

            JsonObject list = jobs.await(jobs.submit("instance.list", "{}").getString("id"), Duration.ofSeconds(5));
            assertThat(list.getJsonObject("result").getJsonArray("instances").getValuesAs(jakarta.json.JsonString.class)
                    .stream().map(jakarta.json.JsonString::getString).toList()).contains("fake", "second");

            JsonObject models = jobs.await(jobs.submit("models.list", "{\"instance\":\"second\"}").getString("id"),
                    Duration.ofSeconds(5)).getJsonObject("result");
            assertThat(models.getJsonArray("data")).hasSize(2);

            JsonObject set = jobs.await(jobs.submit("current_model.set", "{\"model_id\":\"other-model\","
                    + "\"service_name\":\"second\"}").getString("id"), Duration.ofSeconds(5));
            assertThat(set.getJsonObject("result").getJsonObject("current_model").getString("service_name"))
                    .isEqualTo("second");
            SseStream.Event changed = events.next();
            JsonObject c = Http.json(changed.data());
            assertThat(c.getJsonObject("previous").getString("model_id")).isEqualTo(FakeUpstream.MODEL);
            assertThat(c.getJsonObject("current_model").getString("model_id")).isEqualTo("other-model");
            assertThat(Long.parseLong(changed.id())).isGreaterThan(Long.parseLong(initial.id()));

            // A request without a model now goes to the new current model.
            assertThat(http.post("/v1/chat/completions", Http.chat(null, "hi")).statusCode()).isEqualTo(200);
            assertThat(server.upstream().lastChatRequest().getString("model")).isEqualTo("other-model");

            JsonObject removed = jobs.await(jobs.submit("instance.remove", "{\"name\":\"second\"}").getString("id"),
                    Duration.ofSeconds(5));
            assertThat(removed.getJsonObject("result").getBoolean("removed")).isTrue();
            // Removing the current model's instance clears the current model.
            assertThat(Http.json(events.next().data()).get("current_model")).isEqualTo(JsonValue.NULL);

            JsonObject restored = jobs.await(jobs.submit("current_model.set", "{\"model_id\":\"fake-model\","
                    + "\"provider\":\"openai\",\"service_name\":\"fake\"}").getString("id"), Duration.ofSeconds(5));
            assertThat(restored.getString("status")).isEqualTo("succeeded");
            JsonObject got = jobs.await(jobs.submit("current_model.get", "{}").getString("id"),
                    Duration.ofSeconds(5));
            assertThat(got.getJsonObject("result").getJsonObject("current_model").getString("model_id"))
                    .isEqualTo("fake-model");
        }
    }

    @Test
    void failingJobEndsWithAnErrorEventCarryingTheStatus() throws Exception {
        JsonObject job = jobs.submit("model.serve", "{\"instance\":\"fake\",\"model\":\"x\"}");
        List<SseStream.Event> events;
        try (EventReader r = jobs.events(job.getString("id"), null)) {
            events = r.rest();
        }
        assertThat(events.getLast().event()).isEqualTo("error");
        JsonObject e = Http.json(events.getLast().data()).getJsonObject("error");
        assertThat(e.getInt("http_status")).isEqualTo(501);
        assertThat(e.getString("type")).isEqualTo("not_supported_error");
        JsonObject done = jobs.get(job.getString("id"));
        assertThat(done.getString("status")).isEqualTo("failed");
        assertThat(done.getJsonObject("error").getString("message")).contains("not supported");
    }

    @Test
    void badSubmissionsAre400AndUnknownJobs404() {
        assertThat(ErrorsHttpTest.error(http.post("/v1/jobs", "{\"type\":\"teleport\",\"params\":{}}"), 400)
                .getString("param")).isEqualTo("type");
        assertThat(ErrorsHttpTest.error(http.post("/v1/jobs", "{\"type\":\"chat.completion\",\"params\":"
                + "{\"request\":{\"messages\":[]}}}"), 400).getString("param")).isEqualTo("params.request.messages");
        assertThat(ErrorsHttpTest.error(http.post("/v1/jobs", "{\"type\":\"model.serve\",\"params\":{}}"), 400)
                .getString("param")).isEqualTo("params.model");
        assertThat(ErrorsHttpTest.error(http.post("/v1/jobs", "{\"type\":\"instance.create\",\"params\":"
                + "{\"name\":\"x\",\"type\":\"openai\",\"config\":{}}}"), 400).getString("param"))
                .isEqualTo("params.config");
        assertThat(ErrorsHttpTest.error(http.post("/v1/jobs", "{\"type\":\"current_model.get\",\"extra\":1}"), 400)
                .getString("param")).isEqualTo("extra");
        ErrorsHttpTest.error(http.get("/v1/jobs/job_nope"), 404);
        ErrorsHttpTest.error(http.get("/v1/jobs/job_nope/events"), 404);
        ErrorsHttpTest.error(http.delete("/v1/jobs/job_nope"), 404);
    }

    private static void assertIdsCountFromOne(List<SseStream.Event> events) {
        for (int i = 0; i < events.size(); i++) {
            assertThat(events.get(i).id()).isEqualTo(Integer.toString(i + 1));
        }
    }
}

package dev.jllm.tests;

import dev.jllm.tests.support.Http;
import dev.jllm.tests.support.TestServer;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** API key, CORS, overload answers, /health and /metrics. */
class OperationsHttpTest {

    @Test
    void apiKeyIsRequiredEverywhereButHealth() {
        try (TestServer server = TestServer.start(c -> c.withApiKey("s3cret"))) {
            Http none = new Http(server.baseUrl(), null);
            Http wrong = new Http(server.baseUrl(), "guess");
            for (String path : List.of("/v1/models", "/metrics", "/v1/jobs/job_x", "/v1/events")) {
                HttpResponse<String> r = none.get(path);
                JsonObject e = ErrorsHttpTest.error(r, 401);
                assertThat(e.getString("code")).isEqualTo("invalid_api_key");
                assertThat(e.getString("message")).contains("didn't provide an API key");
                assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
                assertThat(ErrorsHttpTest.error(wrong.get(path), 401).getString("message"))
                        .contains("Incorrect API key");
            }
            ErrorsHttpTest.error(none.post("/v1/chat/completions", Http.chat("fake", "hi")), 401);
            assertThat(none.get("/health").statusCode()).isEqualTo(200);
            assertThat(server.http().get("/v1/models").statusCode()).isEqualTo(200);
            assertThat(server.http().post("/v1/chat/completions", Http.chat("fake", "hi")).statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void corsAllowsConfiguredOriginsOnly() {
        try (TestServer server = TestServer.start(c -> c.withApiKey("k")
                .withCorsOrigins(List.of("https://app.example")))) {
            Http http = new Http(server.baseUrl(), null);
            // A preflight goes through without the key (browsers send none).
            HttpResponse<String> pre = http.send(http.request("/v1/chat/completions")
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                    .header("Origin", "https://app.example")
                    .header("Access-Control-Request-Method", "POST")
                    .header("Access-Control-Request-Headers", "authorization, content-type").build());
            assertThat(pre.statusCode()).isEqualTo(204);
            assertThat(pre.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example");
            assertThat(pre.headers().firstValue("Access-Control-Allow-Methods")).hasValueSatisfying(v ->
                    assertThat(v).contains("POST"));
            assertThat(pre.headers().firstValue("Access-Control-Allow-Headers")).hasValue(
                    "authorization, content-type");

            HttpResponse<String> denied = http.send(http.request("/v1/models")
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                    .header("Origin", "https://evil.example")
                    .header("Access-Control-Request-Method", "GET").build());
            assertThat(denied.statusCode()).isEqualTo(403);
            assertThat(denied.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();

            Http keyed = new Http(server.baseUrl(), "k");
            HttpResponse<String> ok = keyed.send(keyed.request("/v1/models")
                    .header("Origin", "https://app.example").GET().build());
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example");
            assertThat(ok.headers().firstValue("Access-Control-Expose-Headers")).hasValueSatisfying(v ->
                    assertThat(v).contains("Retry-After"));
            HttpResponse<String> other = keyed.send(keyed.request("/v1/models")
                    .header("Origin", "https://evil.example").GET().build());
            assertThat(other.statusCode()).isEqualTo(403);
            assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        }
    }

    @Test
    void overloadedInstanceAnswers503WithRetryAfter() throws Exception {
        try (TestServer server = TestServer.start(c -> c.withParallel(1).withMaxQueued(0))) {
            Http http = server.http();
            HttpResponse<InputStream> busy = http.stream(http.request("/v1/chat/completions")
                    .POST(HttpRequest.BodyPublishers.ofString(Http.chat("fake", "[slow]", "\"stream\":true")))
                    .build());
            try (InputStream in = busy.body()) {
                assertThat(in.read()).isNotNegative(); // the slot is held: the stream is running
                HttpResponse<String> r = http.post("/v1/chat/completions", Http.chat("fake", "hi"));
                JsonObject e = ErrorsHttpTest.error(r, 503);
                assertThat(e.getString("code")).isEqualTo("server_overloaded");
                assertThat(r.headers().firstValue("Retry-After")).hasValueSatisfying(v ->
                        assertThat(Integer.parseInt(v)).isPositive());
            }
        }
    }

    @Test
    void queuedRequestWaitsForTheSlot() throws Exception {
        try (TestServer server = TestServer.start(c -> c.withParallel(1).withMaxQueued(4)
                .withMaxQueueWait(Duration.ofSeconds(30)))) {
            Http http = server.http();
            Thread first = Thread.ofVirtual().start(() -> http.post("/v1/chat/completions",
                    Http.chat("fake", "[slow]", "\"max_tokens\":5")));
            Thread.sleep(100);
            HttpResponse<String> second = http.post("/v1/chat/completions", Http.chat("fake", "hi"));
            assertThat(second.statusCode()).isEqualTo(200);
            first.join();
        }
    }

    @Test
    void healthAndMetrics() {
        try (TestServer server = TestServer.start()) {
            Http http = server.http();
            HttpResponse<String> h = http.get("/health");
            assertThat(h.statusCode()).isEqualTo(200);
            assertThat(Http.json(h).getString("status")).isEqualTo("ok");
            http.post("/v1/chat/completions", Http.chat("fake", "one two three"));
            http.post("/v1/chat/completions", Http.chat("fake", "one two", "\"stream\":true", "\"max_tokens\":4"));
            http.post("/v1/chat/completions", Http.chat("nope", "hi"));
            HttpResponse<String> m = http.get("/metrics");
            assertThat(m.statusCode()).isEqualTo(200);
            assertThat(m.headers().firstValue("Content-Type")).hasValueSatisfying(v ->
                    assertThat(v).startsWith("text/plain; version=0.0.4"));
            String text = m.body();
            assertThat(text).contains("# TYPE jllm_http_requests_total counter")
                    .contains("jllm_http_requests_total{route=\"/v1/chat/completions\",method=\"POST\",status=\"200\"} 2")
                    .contains("jllm_http_requests_total{route=\"/v1/chat/completions\",method=\"POST\",status=\"404\"} 1")
                    .contains("jllm_http_requests_total{route=\"/health\",method=\"GET\",status=\"200\"} 1")
                    .contains("jllm_prompt_tokens_total{instance=\"fake\"} 5")
                    .contains("jllm_generated_tokens_total{instance=\"fake\"} 16")
                    .contains("jllm_time_to_first_token_seconds_count{instance=\"fake\"} 1")
                    .contains("jllm_generation_tokens_per_second_count{instance=\"fake\"} 1")
                    .contains("jllm_queue_depth{queue=\"generations\"} 0")
                    .contains("jllm_queue_depth{queue=\"jobs\"} 0")
                    .contains("jllm_active_jobs 0")
                    .contains("jllm_active_generations{instance=\"fake\"} 0")
                    .contains("# TYPE jllm_model_load_seconds gauge");
            for (String line : text.split("\n")) {
                assertThat(line).matches("# (HELP|TYPE) .*|[a-z_]+(\\{.*})? [-+0-9.eEInfNa]+");
            }
        }
    }
}

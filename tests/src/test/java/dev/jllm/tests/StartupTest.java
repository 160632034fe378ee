package dev.jllm.tests;

import dev.jllm.server.config.ModelSpec;
import dev.jllm.tests.support.Http;
import dev.jllm.tests.support.ScriptedLocal;
import dev.jllm.tests.support.TestServer;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

/** Models given at start: /health says loading (503), then ok (200); the first becomes the current model. */
class StartupTest {

    @Test
    void healthIs503WhileLoadingThen200AndTheFirstModelIsCurrent() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        try (TestServer server = TestServer.start(c -> c.withModels(List.of(
                        new ModelSpec("/models/first.gguf", null), new ModelSpec("/models/second.gguf", "two"))),
                List.of(new ScriptedLocal(gate)), false)) {
            Http http = server.http();
            HttpResponse<String> loading = http.get("/health");
            assertThat(loading.statusCode()).isEqualTo(503);
            JsonObject h = Http.json(loading);
            assertThat(h.getString("status")).isEqualTo("loading");
            assertThat(h.getJsonArray("loading").getValuesAs(jakarta.json.JsonString.class).stream()
                    .map(jakarta.json.JsonString::getString).toList()).containsExactly("first", "two");
            assertThat(loading.headers().firstValue("Retry-After")).isPresent();
            // Generation waits for the models: 503 with Retry-After, which SDKs retry.
            HttpResponse<String> chat = http.post("/v1/chat/completions", Http.chat("first", "hi"));
            assertThat(ErrorsHttpTest.error(chat, 503).getString("code")).isEqualTo("model_loading");
            assertThat(chat.headers().firstValue("Retry-After")).isPresent();

            gate.countDown();
            assertThat(server.server().awaitLoaded(Duration.ofSeconds(10))).isTrue();
            assertThat(http.get("/health").statusCode()).isEqualTo(200);
            assertThat(server.server().context().service().currentModel().orElseThrow().serviceName())
                    .isEqualTo("first");
            assertThat(http.post("/v1/chat/completions", Http.chat(null, "hi")).statusCode()).isEqualTo(200);
            assertThat(http.post("/v1/chat/completions", Http.chat("two", "hi")).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aModelThatFailsToLoadLeavesTheServerUnhealthyWithTheReason() throws Exception {
        try (TestServer server = TestServer.start(c -> c.withModels(List.of(new ModelSpec("/models/broken.gguf",
                null))), List.of(new ScriptedLocal(null)), true)) {
            HttpResponse<String> h = server.http().get("/health");
            assertThat(h.statusCode()).isEqualTo(503);
            JsonObject o = Http.json(h);
            assertThat(o.getString("status")).isEqualTo("error");
            assertThat(o.getString("message")).contains("broken.gguf").contains("not a GGUF file");
        }
    }

    @Test
    void withoutModelsTheServerStartsReadyAndInstancesComeFromJobs() {
        try (TestServer server = TestServer.start()) {
            assertThat(server.http().get("/health").statusCode()).isEqualTo(200);
        }
    }
}

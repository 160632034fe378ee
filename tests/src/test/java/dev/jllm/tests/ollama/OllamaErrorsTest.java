package dev.jllm.tests.ollama;

import dev.jllm.tests.support.Http;
import dev.jllm.tests.support.TestServer;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ollama's routes answer every refusal in Ollama's shape, {@code {"error": "..."}}, which Ollama's clients show:
 * a missing API key, a malformed body, a missing model, a field jllm does not honour.
 */
class OllamaErrorsTest {

    @Test
    void refusalsComeInOllamasShape() {
        try (TestServer s = TestServer.start(c -> c.withApiKey("secret-key"))) {
            HttpResponse<String> noKey = new Http(s.baseUrl(), null).get("/api/tags");
            assertThat(noKey.statusCode()).isEqualTo(401);
            assertThat(Http.json(noKey).getString("error")).contains("API key");

            Http http = new Http(s.baseUrl(), "secret-key");
            HttpResponse<String> tags = http.get("/api/tags");
            assertThat(tags.statusCode()).as(tags.body()).isEqualTo(200);
            assertThat(Http.json(tags).getJsonArray("models")).isNotNull();

            HttpResponse<String> malformed = http.post("/api/chat", "{\"model\":");
            assertThat(malformed.statusCode()).isEqualTo(400);
            assertThat(Http.json(malformed).getString("error")).isNotBlank();

            HttpResponse<String> noModel = http.post("/api/chat", "{\"messages\":[]}");
            assertThat(noModel.statusCode()).isEqualTo(400);
            assertThat(Http.json(noModel).getString("error")).isEqualTo("model is required");

            HttpResponse<String> unknownField = http.post("/api/generate", "{\"model\":\"x\",\"prompt\":\"p\","
                    + "\"logprobs\":true}");
            assertThat(unknownField.statusCode()).isEqualTo(400);
            assertThat(Http.json(unknownField).getString("error")).contains("logprobs");

            HttpResponse<String> context = http.post("/api/generate", "{\"model\":\"x\",\"prompt\":\"p\","
                    + "\"context\":[1,2,3]}");
            assertThat(context.statusCode()).isEqualTo(400);
            assertThat(Http.json(context).getString("error")).contains("'context'").contains("/api/chat");

            HttpResponse<String> missing = http.post("/api/show", "{\"model\":\"nothing:here\"}");
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(Http.json(missing).getString("error")).isEqualTo("model 'nothing:here' not found");

            HttpResponse<String> version = http.get("/api/version");
            assertThat(Http.json(version).getString("version")).matches("\\d+\\.\\d+\\.\\d+");
        }
    }
}

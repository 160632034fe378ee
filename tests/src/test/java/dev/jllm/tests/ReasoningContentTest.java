package dev.jllm.tests;

import dev.jllm.server.config.ModelSpec;
import dev.jllm.tests.support.Http;
import dev.jllm.tests.support.ScriptedToolModel;
import dev.jllm.tests.support.SseStream;
import dev.jllm.tests.support.TestServer;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A thinking model's {@code <think>} block comes back as {@code reasoning_content}, whole and streamed, as
 * llama-server returns it (scripted Qwen3 output through the engine's parser and the real Qwen3 template).
 */
class ReasoningContentTest {

    @Test
    void thinkingIsReasoningContentWholeAndStreamed() throws URISyntaxException {
        Path qwen3 = Path.of(getClass().getResource("/templates/qwen3.jinja").toURI());
        try (TestServer server = TestServer.start(c -> c.withModels(List.of(new ModelSpec("scripted-qwen3", "thinker",
                null, qwen3.toString()))), List.of(new ScriptedToolModel()))) {
            String body = "{\"model\":\"thinker\",\"messages\":[{\"role\":\"user\",\"content\":\"think\"}]";
            JsonObject whole = Http.json(server.http().post("/v1/chat/completions", body + "}"));
            JsonObject message = whole.getJsonArray("choices").getJsonObject(0).getJsonObject("message");
            assertThat(message.getString("reasoning_content")).isEqualTo("Let me think.\nYes.");
            assertThat(message.getString("content")).isEqualTo("Done thinking.");

            StringBuilder reasoning = new StringBuilder();
            StringBuilder content = new StringBuilder();
            List<SseStream.Event> events = SseStream.parse(server.http().post("/v1/chat/completions",
                    body + ",\"stream\":true}").body()).events();
            int reasoningChunks = 0;
            for (SseStream.Event e : events) {
                if (e.data().equals("[DONE]")) {
                    continue;
                }
                for (var c : Http.json(e.data()).getJsonArray("choices")) {
                    JsonObject delta = c.asJsonObject().getJsonObject("delta");
                    if (delta.containsKey("reasoning_content")) {
                        reasoning.append(delta.getString("reasoning_content"));
                        reasoningChunks++;
                    }
                    if (delta.containsKey("content") && !delta.isNull("content")) {
                        content.append(delta.getString("content"));
                    }
                }
            }
            assertThat(reasoningChunks).isGreaterThan(1);
            assertThat(reasoning.toString()).isEqualTo("Let me think.\nYes.");
            assertThat(content.toString()).isEqualTo("Done thinking.");
        }
    }
}

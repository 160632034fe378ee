package dev.jllm.tests;

import dev.jllm.server.config.ModelSpec;
import dev.jllm.tests.support.Http;
import dev.jllm.tests.support.ScriptedToolModel;
import dev.jllm.tests.support.SseStream;
import dev.jllm.tests.support.TestServer;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A thinking model's {@code <think>} block on the other wire formats (scripted Qwen3 output through the engine's
 * parser and the real Qwen3 template): a {@code reasoning} output item before the message on the Responses API,
 * a {@code thinking} block before the text on the Messages API, whole and streamed.
 */
class ReasoningBlocksTest {

    private static final String THOUGHT = "Let me think.\nYes.";
    private static final String ANSWER = "Done thinking.";

    @Test
    void reasoningIsAnItemAndAThinkingBlock() throws URISyntaxException {
        Path qwen3 = Path.of(getClass().getResource("/templates/qwen3.jinja").toURI());
        try (TestServer server = TestServer.start(c -> c.withModels(List.of(new ModelSpec("scripted-qwen3", "thinker",
                null, qwen3.toString()))), List.of(new ScriptedToolModel()))) {
            Http http = server.http();
            JsonObject response = Http.json(http.post("/v1/responses", "{\"model\":\"thinker\",\"input\":\"think\"}"));
            JsonArray output = response.getJsonArray("output");
            assertThat(output.getJsonObject(0).getString("type")).isEqualTo("reasoning");
            assertThat(output.getJsonObject(0).getJsonArray("content").getJsonObject(0).getString("text"))
                    .isEqualTo(THOUGHT);
            assertThat(output.getJsonObject(1).getJsonArray("content").getJsonObject(0).getString("text"))
                    .isEqualTo(ANSWER);

            StringBuilder thought = new StringBuilder();
            StringBuilder text = new StringBuilder();
            for (SseStream.Event e : SseStream.parse(http.post("/v1/responses",
                    "{\"model\":\"thinker\",\"input\":\"think\",\"stream\":true}").body()).events()) {
                JsonObject d = Http.json(e.data());
                assertThat(d.getString("type")).isEqualTo(e.event());
                switch (e.event()) {
                    case "response.reasoning_text.delta" -> thought.append(d.getString("delta"));
                    case "response.output_text.delta" -> text.append(d.getString("delta"));
                    default -> { }
                }
            }
            assertThat(thought.toString()).isEqualTo(THOUGHT);
            assertThat(text.toString()).isEqualTo(ANSWER);

            String ask = "{\"model\":\"thinker\",\"max_tokens\":100,\"thinking\":{\"type\":\"enabled\","
                    + "\"budget_tokens\":1024},\"messages\":[{\"role\":\"user\",\"content\":\"think\"}]";
            JsonArray content = Http.json(http.post("/v1/messages", ask + "}")).getJsonArray("content");
            assertThat(content.getJsonObject(0).getString("type")).isEqualTo("thinking");
            assertThat(content.getJsonObject(0).getString("thinking")).isEqualTo(THOUGHT);
            assertThat(content.getJsonObject(1).getString("text")).isEqualTo(ANSWER);

            thought.setLength(0);
            text.setLength(0);
            for (SseStream.Event e : SseStream.parse(http.post("/v1/messages", ask + ",\"stream\":true}").body())
                    .events()) {
                JsonObject d = Http.json(e.data());
                if (e.event().equals("content_block_delta")) {
                    JsonObject delta = d.getJsonObject("delta");
                    switch (delta.getString("type")) {
                        case "thinking_delta" -> thought.append(delta.getString("thinking"));
                        case "text_delta" -> text.append(delta.getString("text"));
                        default -> throw new AssertionError(delta.toString());
                    }
                }
            }
            assertThat(thought.toString()).isEqualTo(THOUGHT);
            assertThat(text.toString()).isEqualTo(ANSWER);
        }
    }
}

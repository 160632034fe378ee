package dev.jllm.tests;

import dev.jllm.models.testing.TestData;
import dev.jllm.server.config.ModelSpec;
import dev.jllm.tests.support.Http;
import dev.jllm.tests.support.NodeScripts;
import dev.jllm.tests.support.ScriptedToolModel;
import dev.jllm.tests.support.TestServer;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official Node SDK, {@code openai@6} (installed by npm under target/ on first run), against jllm: tool calls
 * whole and streamed (its stream helper rebuilds them from the deltas), the next turn with tool results, the 400
 * naming {@code tools} for a template that cannot carry them, n = 2 and newer fields on the real tiny model.
 * Needs node and npm ({@code .ci/run} installs them); skipped with a message where they are absent outside CI.
 */
class NodeOpenAiSdkTest {

    @Test
    void nodeSdkGetsToolCallsRefusalsAndChoices() throws Exception {
        NodeScripts node = NodeScripts.install("node-openai", "openai@6");
        String model = TestData.stories260k().toString();
        try (TestServer toolServer = TestServer.start(c -> c.withModels(List.of(new ModelSpec("scripted-qwen", "agent",
                null, ToolCallsSdkTest.template().toString()))), List.of(new ScriptedToolModel()));
             TestServer stories = TestServer.start(c -> c.withModels(List.of(new ModelSpec(model, "stories"))))) {
            String output = node.runScript("agents.mjs", java.util.Map.of(
                    "TOOLS_URL", toolServer.baseUrl(), "STORIES_URL", stories.baseUrl()), 120);
            JsonObject out = Http.json(NodeScripts.lastLine(output));

            JsonObject whole = out.getJsonObject("whole");
            assertThat(whole.getString("model")).isEqualTo("agent");
            assertThat(whole.getString("finish")).isEqualTo("tool_calls");
            assertThat(whole.isNull("content")).isTrue();
            JsonArray calls = whole.getJsonArray("calls");
            assertThat(calls).hasSize(2);
            assertThat(calls.getJsonObject(0).getString("name")).isEqualTo("get_weather");
            assertThat(calls.getJsonObject(0).getString("arguments")).isEqualTo("{\"city\":\"Paris\"}");
            assertThat(calls.getJsonObject(0).getString("type")).isEqualTo("function");
            assertThat(calls.getJsonObject(1).getString("name")).isEqualTo("get_time");

            JsonObject streamed = out.getJsonObject("streamed");
            assertThat(streamed.getString("finish")).isEqualTo("tool_calls");
            assertThat(streamed.getJsonArray("calls")).hasSize(2);
            assertThat(streamed.getJsonArray("calls").getJsonObject(0).getString("arguments")).isEqualTo("{\"city\":\"Paris\"}");
            JsonArray deltas = streamed.getJsonArray("deltas");
            assertThat(deltas.getJsonObject(0).getString("name")).isEqualTo("get_weather");
            assertThat(deltas.getJsonObject(0).getString("id")).startsWith("call_");
            assertThat(deltas.getJsonObject(1).isNull("id")).isTrue();

            assertThat(out.getJsonObject("next").getString("finish")).isEqualTo("stop");
            assertThat(out.getJsonObject("next").getString("content")).isEqualTo("The tool said: get_time done");

            JsonObject refusal = out.getJsonObject("refusal");
            assertThat(refusal.getInt("status")).isEqualTo(400);
            assertThat(refusal.getString("param")).isEqualTo("tools");

            JsonObject n2 = out.getJsonObject("n2");
            assertThat(n2.getString("model")).isEqualTo("stories");
            assertThat(n2.getInt("choices")).isEqualTo(2);
        }
    }
}

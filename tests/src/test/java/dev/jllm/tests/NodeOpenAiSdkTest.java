package dev.jllm.tests;

import dev.jllm.models.testing.TestData;
import dev.jllm.server.config.ModelSpec;
import dev.jllm.tests.support.Http;
import dev.jllm.tests.support.ScriptedToolModel;
import dev.jllm.tests.support.TestServer;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official Node SDK, {@code openai@6} (installed by npm under target/ on first run), against jllm: tool calls
 * whole and streamed (its stream helper rebuilds them from the deltas), the next turn with tool results, the 400
 * naming {@code tools} for a template that cannot carry them, n = 2 and newer fields on the real tiny model.
 * Needs node and npm ({@code .ci/run} installs them); skipped with a message where they are absent outside CI.
 */
class NodeOpenAiSdkTest {

    private static final Path NODE_DIR = Path.of("target", "node-openai").toAbsolutePath();

    private static boolean onPath(String tool) {
        try {
            return new ProcessBuilder(tool, "--version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static String run(List<String> command, Path dir, java.util.Map<String, String> env, int seconds)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String output;
        try (InputStream in = p.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish in " + seconds + " s:\n" + output);
        }
        assertThat(p.exitValue()).as(command + " failed:\n" + output).isZero();
        return output;
    }

    @Test
    void nodeSdkGetsToolCallsRefusalsAndChoices() throws Exception {
        boolean ci = "1".equals(System.getenv("JLLM_REQUIRE_TESTDATA"));
        if (!onPath("node") || !onPath("npm")) {
            if (ci) {
                throw new AssertionError("node and npm are needed (.ci/run installs them)");
            }
            Assumptions.abort("node/npm not installed: skipping the Node SDK test");
        }
        Files.createDirectories(NODE_DIR);
        if (!Files.isDirectory(NODE_DIR.resolve("node_modules/openai"))) {
            run(List.of("npm", "install", "--no-audit", "--no-fund", "--prefix", NODE_DIR.toString(), "openai@6"),
                    NODE_DIR, java.util.Map.of(), 300);
        }
        try (InputStream in = getClass().getResourceAsStream("/node/agents.mjs")) {
            Files.write(NODE_DIR.resolve("agents.mjs"), in.readAllBytes());
        }
        String model = TestData.stories260k().toString();
        try (TestServer toolServer = TestServer.start(c -> c.withModels(List.of(new ModelSpec("scripted-qwen", "agent",
                null, ToolCallsSdkTest.template().toString()))), List.of(new ScriptedToolModel()));
             TestServer stories = TestServer.start(c -> c.withModels(List.of(new ModelSpec(model, "stories"))))) {
            String output = run(List.of("node", "agents.mjs"), NODE_DIR, java.util.Map.of(
                    "TOOLS_URL", toolServer.baseUrl(), "STORIES_URL", stories.baseUrl()), 120);
            JsonObject out = Http.json(output.strip().lines().reduce((a, b) -> b).orElseThrow());

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

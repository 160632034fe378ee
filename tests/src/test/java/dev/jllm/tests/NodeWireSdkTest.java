package dev.jllm.tests;

import dev.jllm.models.testing.TestData;
import dev.jllm.server.config.ModelSpec;
import dev.jllm.tests.support.Http;
import dev.jllm.tests.support.NodeScripts;
import dev.jllm.tests.support.TestServer;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official Node SDKs against the tiny real model (stories260K) behind a tool-capable template: {@code openai@6}
 * on the Responses API (whole, streamed with OpenAI's event sequence, forced calls named and required,
 * {@code previous_response_id} with a function_call_output, {@code store: false}, {@code text.format}
 * json_schema) and on Chat Completions (forced calls named and required, whole and streamed, the arguments arriving
 * in pieces), and {@code @anthropic-ai/sdk}
 * on the Messages API (whole, streamed, forced tool_use by name and by "any", a tool_result turn, a stop sequence,
 * count_tokens, Anthropic's errors, the key sent as x-api-key). A template that cannot carry tools gets a 400
 * naming {@code tools} on all three APIs. Forced calls must be valid for the schema whatever the weights: the
 * constrained decoding guarantees it. See {@code resources/node/wire.mjs}.
 */
class NodeWireSdkTest {

    @Test
    void responsesMessagesAndForcedCallsThroughTheNodeSdks() throws Exception {
        NodeScripts node = NodeScripts.install("node-wire", "openai@6", "@anthropic-ai/sdk");
        String model = TestData.stories260k().toString();
        try (TestServer tools = TestServer.start(c -> c.withApiKey("wire-key").withModels(List.of(new ModelSpec(model,
                "agent", null, ToolCallsSdkTest.template().toString()))));
             TestServer plain = TestServer.start(c -> c.withModels(List.of(new ModelSpec(model, "stories"))))) {
            JsonObject out = Http.json(NodeScripts.lastLine(node.runScript("wire.mjs", Map.of("TOOLS_URL",
                    tools.baseUrl(), "PLAIN_URL", plain.baseUrl()), 300)));
            responses(out);
            chatCompletions(out);
            messages(out);
            JsonObject refusals = out.getJsonObject("refusals");
            for (String api : List.of("chat", "responses", "messages")) {
                JsonObject r = refusals.getJsonObject(api);
                assertThat(r.getInt("status")).as(api).isEqualTo(400);
                assertThat(r.getString("message")).as(api).contains("tools");
            }
            assertThat(refusals.getJsonObject("chat").getJsonObject("body").getString("param")).isEqualTo("tools");
            assertThat(refusals.getJsonObject("responses").getJsonObject("body").getString("param")).isEqualTo("tools");
            assertThat(refusals.getJsonObject("messages").getJsonObject("body").getJsonObject("error")
                    .getString("type")).isEqualTo("invalid_request_error");
        }
    }

    /** Arguments valid for wire.mjs's weather schema: exactly city (one of three) and days (1..7). */
    static void assertWeather(String arguments) {
        JsonObject a = Http.json(arguments);
        assertThat(a.keySet()).containsExactlyInAnyOrder("city", "days");
        assertThat(a.getString("city")).isIn("Paris", "Rome", "Oslo");
        assertThat(a.getJsonNumber("days").isIntegral()).isTrue();
        assertThat(a.getInt("days")).isBetween(1, 7);
    }

    private static void responses(JsonObject out) {
        JsonObject whole = out.getJsonObject("responsesWhole");
        assertThat(whole.getString("id")).startsWith("resp_");
        assertThat(whole.getString("model")).isEqualTo("agent");
        assertThat(whole.getString("status")).isIn("completed", "incomplete");
        assertThat(whole.getString("text")).isNotEmpty();
        assertThat(whole.getJsonArray("types")).containsExactly(Json.str("message"));
        assertThat(whole.getJsonObject("usage").getInt("output_tokens")).isBetween(1, 12);
        if (whole.getString("status").equals("incomplete")) {
            assertThat(whole.getJsonObject("incomplete").getString("reason")).isEqualTo("max_output_tokens");
        }

        JsonObject streamed = out.getJsonObject("responsesStreamed");
        List<String> types = streamed.getJsonArray("events").stream()
                .map(e -> e.asJsonObject().getString("type")).toList();
        String last = types.getLast();
        assertThat(last).isIn("response.completed", "response.incomplete");
        assertThat(types.subList(0, 4)).containsExactly("response.created", "response.in_progress",
                "response.output_item.added", "response.content_part.added");
        assertThat(types.subList(types.size() - 4, types.size() - 1)).containsExactly("response.output_text.done",
                "response.content_part.done", "response.output_item.done");
        assertThat(types.subList(4, types.size() - 4)).isNotEmpty().containsOnly("response.output_text.delta");
        List<Integer> seq = streamed.getJsonArray("events").stream()
                .map(e -> e.asJsonObject().getInt("seq")).toList();
        for (int i = 0; i < seq.size(); i++) {
            assertThat(seq.get(i)).isEqualTo(i);
        }
        assertThat(streamed.getString("deltaText")).isEqualTo(streamed.getString("text")).isNotEmpty();
        assertThat(streamed.getJsonObject("usage").getInt("input_tokens")).isPositive();

        JsonObject forced = out.getJsonObject("responsesForced");
        assertThat(forced.getString("status")).isEqualTo("completed");
        assertThat(forced.getJsonArray("types")).containsExactly(Json.str("function_call"));
        assertThat(forced.getString("name")).isEqualTo("get_weather");
        assertThat(forced.getString("callId")).startsWith("call_");
        assertWeather(forced.getString("arguments"));

        JsonObject required = out.getJsonObject("responsesRequiredStreamed");
        assertThat(required.getString("name")).isEqualTo("get_weather");
        assertWeather(required.getString("arguments"));
        assertThat(required.getString("done")).isEqualTo(required.getString("arguments"));
        JsonArray pieces = required.getJsonArray("pieces");
        assertThat(pieces.size()).as("arguments in pieces").isGreaterThan(3);
        assertThat(String.join("", pieces.getValuesAs(jakarta.json.JsonString::getString)))
                .isEqualTo(required.getString("arguments"));

        JsonObject schema = out.getJsonObject("responsesSchema");
        assertThat(schema.getString("status")).isEqualTo("completed");
        assertThat(schema.getString("format")).isEqualTo("json_schema");
        JsonObject story = Http.json(schema.getString("text"));
        assertThat(story.keySet()).containsExactlyInAnyOrder("genre", "year");
        assertThat(story.getString("genre")).isIn("fable", "poem", "tale");
        assertThat(story.getInt("year")).isBetween(1900, 2100);

        assertThat(out.getJsonObject("responsesFollowUp").getString("status")).isIn("completed", "incomplete");
        JsonObject unkept = out.getJsonObject("unkept");
        assertThat(unkept.getInt("status")).isEqualTo(404);
        assertThat(unkept.getJsonObject("body").getString("param")).isEqualTo("previous_response_id");
    }

    private static void chatCompletions(JsonObject out) {
        for (String key : List.of("chatNamed", "chatRequired", "chatNamedStreamed", "chatRequiredStreamed")) {
            JsonObject c = out.getJsonObject(key);
            assertThat(c.getString("finish")).as(key).isEqualTo("tool_calls");
            assertThat(c.getString("name")).as(key).isEqualTo("get_weather");
            assertWeather(c.getString("arguments"));
        }
        for (String key : List.of("chatNamedStreamed", "chatRequiredStreamed")) {
            JsonObject c = out.getJsonObject(key);
            List<JsonObject> deltas = c.getJsonArray("deltas").getValuesAs(JsonObject.class);
            // OpenAI's shape: the first delta has index, id, type and name with empty arguments; pieces follow
            JsonObject first = deltas.getFirst();
            assertThat(first.getInt("index")).isZero();
            assertThat(first.getString("id")).startsWith("call_");
            assertThat(first.getString("type")).isEqualTo("function");
            assertThat(first.getString("name")).isEqualTo("get_weather");
            assertThat(first.getString("arguments")).isEmpty();
            List<JsonObject> rest = deltas.subList(1, deltas.size());
            assertThat(rest).as(key + ": arguments in pieces").hasSizeGreaterThan(3)
                    .allSatisfy(d -> assertThat(d.get("id")).isEqualTo(JsonValue.NULL));
            assertThat(String.join("", rest.stream().map(d -> d.getString("arguments")).toList()))
                    .isEqualTo(c.getString("arguments"));
        }
    }

    private static void messages(JsonObject out) {
        JsonObject whole = out.getJsonObject("messagesWhole");
        assertThat(whole.getString("type")).isEqualTo("message");
        assertThat(whole.getString("model")).isEqualTo("agent");
        assertThat(whole.getJsonArray("content").getJsonObject(0).getString("type")).isEqualTo("text");
        assertThat(whole.getJsonArray("content").getJsonObject(0).getString("text")).isNotEmpty();
        assertThat(whole.getString("stop")).isIn("end_turn", "max_tokens");
        assertThat(whole.getJsonObject("usage").getInt("output_tokens")).isBetween(1, 12);

        JsonObject streamed = out.getJsonObject("messagesStreamed");
        List<String> events = streamed.getJsonArray("events").getValuesAs(jakarta.json.JsonString::getString);
        assertThat(events.subList(0, 2)).containsExactly("message_start", "content_block_start");
        assertThat(events.subList(events.size() - 3, events.size())).containsExactly("content_block_stop",
                "message_delta", "message_stop");
        assertThat(events.subList(2, events.size() - 3)).isNotEmpty().containsOnly("content_block_delta:text_delta");
        assertThat(streamed.getString("deltaText"))
                .isEqualTo(streamed.getJsonArray("content").getJsonObject(0).getString("text"));
        assertThat(streamed.getJsonObject("usage").getInt("output_tokens")).isPositive();

        for (String key : List.of("messagesForced", "messagesForcedStreamed")) {
            JsonObject m = out.getJsonObject(key);
            assertThat(m.getString("stop")).as(key).isEqualTo("tool_use");
            JsonObject use = m.getJsonArray("content").getJsonObject(0);
            assertThat(use.getString("type")).isEqualTo("tool_use");
            assertThat(use.getString("name")).isEqualTo("get_weather");
            assertWeather(use.getJsonObject("input").toString());
        }
        JsonArray pieces = out.getJsonObject("messagesForcedStreamed").getJsonArray("pieces");
        assertThat(pieces.size()).as("input_json_delta pieces").isGreaterThan(3);
        assertWeather(String.join("", pieces.getValuesAs(jakarta.json.JsonString::getString)));

        assertThat(out.getJsonObject("messagesToolResult").getString("stop")).isIn("end_turn", "max_tokens");
        JsonObject stop = out.getJsonObject("messagesStop");
        assertThat(stop.getString("stop")).isEqualTo("stop_sequence");
        assertThat(stop.getString("sequence")).isIn("e", " ");
        String text = stop.getJsonArray("content").isEmpty() ? ""
                : stop.getJsonArray("content").getJsonObject(0).getString("text");
        assertThat(text).doesNotContain("e", " ");
        assertThat(out.getJsonObject("countTokens").getInt("input_tokens")).isGreaterThan(10);

        JsonObject invalid = out.getJsonObject("messagesInvalid");
        assertThat(invalid.getInt("status")).isEqualTo(400);
        assertThat(invalid.getJsonObject("body").getString("type")).isEqualTo("error");
        assertThat(invalid.getJsonObject("body").getJsonObject("error").getString("type"))
                .isEqualTo("invalid_request_error");
        assertThat(invalid.getJsonObject("body").getJsonObject("error").getString("message")).contains("max_tokens");
        JsonObject badKey = out.getJsonObject("messagesBadKey");
        assertThat(badKey.getInt("status")).isEqualTo(401);
        assertThat(badKey.getJsonObject("body").getJsonObject("error").getString("type"))
                .isEqualTo("authentication_error");
        assertThat(Set.of("type", "error")).containsAll(badKey.getJsonObject("body").keySet());
    }

    /** Json string values for containsExactly. */
    private static final class Json {
        static JsonValue str(String s) {
            return jakarta.json.Json.createValue(s);
        }
    }
}

package dev.jllm.server.responses;

import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.ChatMessage;
import dev.jllm.api.openai.ToolChoice;
import dev.jllm.server.openai.ApiException;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A Responses body as the chat request it becomes, and the members refused with their reason. */
class ResponsesRequestTest {

    private final ResponseStore store = new ResponseStore(10, 1 << 20, Duration.ofMinutes(5), () -> 0L);

    private static JsonObject json(String s) {
        return Json.createReader(new StringReader(s)).readObject();
    }

    @Test
    void itemsBecomeMessagesWithCallsAndResults() {
        ResponsesRequest r = ResponsesRequest.parse(json("""
                {"model": "m", "instructions": "Be brief.", "max_output_tokens": 50, "temperature": 0.5,
                 "tools": [{"type": "function", "name": "f", "parameters": {"type": "object"}}],
                 "tool_choice": {"type": "function", "name": "f"}, "parallel_tool_calls": false,
                 "input": [{"role": "user", "content": "Hi"},
                           {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "Let me see."}]},
                           {"type": "function_call", "call_id": "c1", "name": "f", "arguments": "{\\"a\\":1}"},
                           {"type": "function_call_output", "call_id": "c1", "output": "done"},
                           {"role": "user", "content": [{"type": "input_text", "text": "And?"}]}]}"""), store);
        ChatCompletionRequest c = r.chat();
        assertThat(c.maxTokens()).isEqualTo(50);
        assertThat(c.temperature()).isEqualTo(0.5);
        assertThat(c.toolChoice()).isEqualTo(ToolChoice.function("f"));
        assertThat(c.parallelToolCalls()).isFalse();
        List<ChatMessage> m = c.messages();
        assertThat(m).extracting(ChatMessage::role).containsExactly("system", "user", "assistant", "tool", "user");
        assertThat(m.get(2).text()).isEqualTo("Let me see.");
        assertThat(m.get(2).toolCalls()).singleElement().satisfies(t -> {
            assertThat(t.id()).isEqualTo("c1");
            assertThat(t.function().arguments()).isEqualTo("{\"a\":1}");
        });
        assertThat(m.get(3).toolCallId()).isEqualTo("c1");
        assertThat(r.history()).hasSize(4); // the instructions are not carried over
        assertThat(r.store()).isTrue();
    }

    @Test
    void previousResponsesContinueAndUnknownOnesAre404() {
        store.put("resp_1", json("{}"), List.of(ChatMessage.user("Hi"), ChatMessage.assistant("Hello")));
        ResponsesRequest r = ResponsesRequest.parse(json("""
                {"previous_response_id": "resp_1", "input": "More", "store": false}"""), store);
        assertThat(r.chat().messages()).extracting(ChatMessage::text).containsExactly("Hi", "Hello", "More");
        assertThat(r.store()).isFalse();
        assertThatThrownBy(() -> ResponsesRequest.parse(json("{\"previous_response_id\": \"resp_x\", \"input\": \"a\"}"),
                store)).isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.error().status()).isEqualTo(404);
                    assertThat(e.error().param()).isEqualTo("previous_response_id");
                });
    }

    @Test
    void whatCannotBeHonouredIsRefusedByName() {
        for (String[] c : new String[][] {
                {"{\"input\": \"a\", \"background\": true}", "background"},
                {"{\"input\": \"a\", \"truncation\": \"auto\"}", "truncation"},
                {"{\"input\": \"a\", \"conversation\": \"conv_1\"}", "conversation"},
                {"{\"input\": \"a\", \"include\": [\"message.output_text.logprobs\"]}", "include[0]"},
                {"{\"input\": \"a\", \"tools\": [{\"type\": \"file_search\"}]}", "tools[0].type"},
                {"{\"input\": \"a\", \"tools\": [{\"type\": \"function\", \"name\": \"f\"}], \"tool_choice\":"
                        + " {\"type\": \"function\", \"name\": \"g\"}}", "tool_choice.name"},
                {"{\"input\": [{\"type\": \"item_reference\", \"id\": \"x\"}]}", "input[0].type"},
                {"{\"input\": \"a\", \"max_tool_calls\": 2}", "max_tool_calls"},
                {"{\"input\": \"a\", \"frobnicate\": 1}", "frobnicate"},
                {"{}", "input"}}) {
            assertThatThrownBy(() -> ResponsesRequest.parse(json(c[0]), store)).as(c[0])
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.error().param()).isEqualTo(c[1]));
        }
    }
}

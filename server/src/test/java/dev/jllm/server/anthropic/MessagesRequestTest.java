package dev.jllm.server.anthropic;

import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.ChatMessage;
import dev.jllm.api.openai.ToolChoice;
import dev.jllm.server.openai.ApiException;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A Messages body as the chat request it becomes, and the members refused with their reason. */
class MessagesRequestTest {

    private static JsonObject json(String s) {
        return Json.createReader(new StringReader(s)).readObject();
    }

    @Test
    void blocksBecomeMessagesAndToolResultsComeFirst() {
        MessagesRequest r = MessagesRequest.parse(json("""
                {"model": "m", "max_tokens": 20, "system": [{"type": "text", "text": "A"}, {"type": "text", "text": "B"}],
                 "stop_sequences": ["END"], "top_k": 5,
                 "tools": [{"name": "f", "input_schema": {"type": "object"}}],
                 "tool_choice": {"type": "any", "disable_parallel_tool_use": true},
                 "thinking": {"type": "disabled"},
                 "messages": [{"role": "user", "content": "Hi"},
                   {"role": "assistant", "content": [{"type": "text", "text": "Calling."},
                     {"type": "tool_use", "id": "t1", "name": "f", "input": {"x": 1}}]},
                   {"role": "user", "content": [{"type": "text", "text": "Thanks"},
                     {"type": "tool_result", "tool_use_id": "t1", "content": [{"type": "text", "text": "42"}]}]}]}"""),
                false);
        ChatCompletionRequest c = r.chat();
        assertThat(r.stopSequences()).containsExactly("END");
        assertThat(c.stop()).containsExactly("END");
        assertThat(c.logprobs()).isTrue(); // the sampled tokens tell which stop sequence ended the answer
        assertThat(c.toolChoice()).isEqualTo(ToolChoice.REQUIRED);
        assertThat(c.parallelToolCalls()).isFalse();
        assertThat(c.reasoningEffort()).isEqualTo("none");
        assertThat(c.topK()).isEqualTo(5);
        List<ChatMessage> m = c.messages();
        assertThat(m).extracting(ChatMessage::role).containsExactly("system", "user", "assistant", "tool", "user");
        assertThat(m.get(0).text()).isEqualTo("A\nB");
        assertThat(m.get(2).toolCalls().getFirst().function().arguments()).isEqualTo("{\"x\":1}");
        assertThat(m.get(3).toolCallId()).isEqualTo("t1");
        assertThat(m.get(3).text()).isEqualTo("42");
        assertThat(m.get(4).text()).isEqualTo("Thanks");
    }

    @Test
    void stopReasonsAndWhichSequenceStopped() {
        StopSequences stops = new StopSequences(List.of("END", "\n\n"));
        for (String t : List.of("Once", " upon", " a tim", "e E", "ND")) {
            stops.token(t);
        }
        assertThat(stops.matched("stop")).isEqualTo("END");
        assertThat(stops.matched("length")).isNull();
        StopSequences none = new StopSequences(List.of("END"));
        none.token("Hello");
        none.token("</s>");
        assertThat(none.matched("stop")).isNull();
        assertThat(MessageJson.stopReason("stop", "END")).isEqualTo("stop_sequence");
        assertThat(MessageJson.stopReason("stop", null)).isEqualTo("end_turn");
        assertThat(MessageJson.stopReason("length", null)).isEqualTo("max_tokens");
        assertThat(MessageJson.stopReason("tool_calls", null)).isEqualTo("tool_use");
    }

    @Test
    void whatCannotBeHonouredIsRefusedByName() {
        String msgs = "\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]";
        for (String[] c : new String[][] {
                {"{" + msgs + "}", "max_tokens"},
                {"{\"max_tokens\": 5}", "messages"},
                {"{\"max_tokens\": 5, \"temperature\": 1.5, " + msgs + "}", "temperature"},
                {"{\"max_tokens\": 5, \"mcp_servers\": [], " + msgs + "}", "mcp_servers"},
                {"{\"max_tokens\": 5, \"tools\": [{\"type\": \"web_search_20250305\", \"name\": \"web_search\"}], "
                        + msgs + "}", "tools[0].type"},
                {"{\"max_tokens\": 5, \"tools\": [{\"name\": \"f\"}], " + msgs + "}", "tools[0].input_schema"},
                {"{\"max_tokens\": 5, \"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"document\"}]}]}",
                        "messages[0].content[0].type"}}) {
            assertThatThrownBy(() -> MessagesRequest.parse(json(c[0]), false)).as(c[0])
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.error().param()).isEqualTo(c[1]));
        }
    }
}

package dev.jllm.server.openai;

import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.MessageContent;
import dev.jllm.api.openai.ToolChoice;
import org.junit.jupiter.api.Test;

import static dev.jllm.server.openai.ChatRequests.parse;
import static dev.jllm.server.openai.ChatRequests.param;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChatRequestValidatorTest {

    @Test
    void everyFieldIsBound() {
        ChatCompletionRequest r = parse("""
                {"model":"m","messages":[
                   {"role":"system","content":"be brief"},
                   {"role":"user","content":[{"type":"text","text":"hi"},{"type":"image_url","image_url":{"url":"data:x"}}]},
                   {"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function",
                      "function":{"name":"f","arguments":"{}"}}]},
                   {"role":"tool","tool_call_id":"c1","content":"42"}],
                 "max_tokens":5,"max_completion_tokens":6,"temperature":0.7,"top_p":0.9,"n":1,"stop":["a","b"],
                 "seed":7,"presence_penalty":0.5,"frequency_penalty":-0.5,"logit_bias":{"12":-100},
                 "logprobs":true,"top_logprobs":2,"response_format":{"type":"json_object"},
                 "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],
                 "tool_choice":{"type":"function","function":{"name":"f"}},"parallel_tool_calls":false,
                 "stream":true,"stream_options":{"include_usage":true},"user":"u","top_k":40,"min_p":0.05,
                 "repeat_penalty":1.1,"temperature":null}
                """.replace("\"temperature\":null", "\"user\":\"u\""));
        assertThat(r.model()).isEqualTo("m");
        assertThat(r.messages()).hasSize(4);
        assertThat(r.messages().get(1).content()).isInstanceOf(MessageContent.Parts.class);
        assertThat(r.messages().get(2).toolCalls()).hasSize(1);
        assertThat(r.effectiveMaxTokens()).isEqualTo(6);
        assertThat(r.stop()).containsExactly("a", "b");
        assertThat(r.logitBias()).containsEntry("12", -100.0);
        assertThat(r.toolChoice()).isEqualTo(ToolChoice.function("f"));
        assertThat(r.includeUsage()).isTrue();
        assertThat(r.topK()).isEqualTo(40);
        assertThat(r.repeatPenalty()).isEqualTo(1.1);
    }

    @Test
    void integersMayBeWrittenWithAZeroFraction() {
        assertThat(parse("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":2.0}").maxTokens())
                .isEqualTo(2);
    }

    @Test
    void nullMeansAbsent() {
        ChatCompletionRequest r = parse("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"temperature\":null,"
                + "\"stop\":null,\"tools\":null}");
        assertThat(r.temperature()).isNull();
        assertThat(r.stop()).isNull();
    }

    @Test
    void refusalsNameTheMember() {
        String m = "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]";
        assertThat(param("{" + m + ",\"functions\":[]}")).isEqualTo("functions");
        assertThat(param("{" + m + ",\"seed\":1.5}")).isEqualTo("seed");
        assertThat(param("{" + m + ",\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\",\"j\","
                + "\"k\",\"l\",\"m\",\"n\",\"o\",\"p\",\"q\"]}")).isEqualTo("stop");
        assertThat(param("{" + m + ",\"repeat_penalty\":0}")).isEqualTo("repeat_penalty");
        assertThat(param("{" + m + ",\"response_format\":{\"type\":\"json_schema\"}}"))
                .isEqualTo("response_format.json_schema");
        assertThat(param("{" + m + ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"bad name\"}}]}"))
                .isEqualTo("tools[0].function.name");
        assertThat(param("{\"messages\":[{\"role\":\"user\"}]}")).isEqualTo("messages[0].content");
        assertThat(param("{\"messages\":[{\"role\":\"user\",\"content\":\"x\",\"tool_calls\":[]}]}"))
                .isEqualTo("messages[0].tool_calls");
        assertThat(param("{\"messages\":[\"hi\"]}")).isEqualTo("messages[0]");
        assertThat(param("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\"}]}]}"))
                .isEqualTo("messages[0].content[0].text");
    }
}

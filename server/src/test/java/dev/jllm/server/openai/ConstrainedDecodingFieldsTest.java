package dev.jllm.server.openai;

import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.ToolChoice;
import dev.jllm.server.http.RequestBodies;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static dev.jllm.server.openai.ChatRequests.parse;
import static dev.jllm.server.openai.ChatRequests.param;
import static org.assertj.core.api.Assertions.assertThat;

/** The constrained-decoding members pass the server's checks and reach the instance (which compiles them). */
class ConstrainedDecodingFieldsTest {
    private static final String M = "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]";

    @Test
    void grammarJsonSchemaAndForcedToolChoicesAreAccepted() {
        ChatCompletionRequest r = parse("{" + M + ",\"grammar\":\"root ::= \\\"a\\\"\","
                + "\"json_schema\":{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"}}}}");
        assertThat(r.grammar()).isEqualTo("root ::= \"a\"");
        assertThat(r.jsonSchema()).containsKey("properties");
        ChatCompletionRequest forced = parse("{" + M + ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\","
                + "\"parameters\":{\"type\":\"object\"}}}],\"tool_choice\":\"required\","
                + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"s\",\"strict\":true,"
                + "\"schema\":{\"type\":\"object\"}}}}");
        assertThat(forced.toolChoice()).isEqualTo(ToolChoice.REQUIRED);
        assertThat(forced.responseFormat().jsonSchema().strict()).isTrue();
    }

    @Test
    void wrongTypesAreRefusedByName() {
        assertThat(param("{" + M + ",\"grammar\":42}")).isEqualTo("grammar");
        assertThat(param("{" + M + ",\"grammar\":\"  \"}")).isEqualTo("grammar");
        assertThat(param("{" + M + ",\"json_schema\":\"{}\"}")).isEqualTo("json_schema");
    }

    @Test
    void legacyCompletionsPassThemOn() {
        LegacyCompletion c = CompletionRequestValidator.parse(RequestBodies.parseObject(
                "{\"prompt\":\"p\",\"grammar\":\"root ::= [a-z]+\",\"json_schema\":{\"type\":\"string\"}}"
                        .getBytes(StandardCharsets.UTF_8)));
        assertThat(c.request().grammar()).isEqualTo("root ::= [a-z]+");
        assertThat(c.request().jsonSchema()).containsEntry("type", "string");
    }
}

package dev.jllm.runtime.engine;

import dev.jllm.api.ChatCompletionStream;
import dev.jllm.api.LlmException;
import dev.jllm.api.LocalConfig;
import dev.jllm.api.openai.ChatCompletion;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.ChatMessage;
import dev.jllm.api.openai.FunctionDefinition;
import dev.jllm.api.openai.ResponseFormat;
import dev.jllm.api.openai.Tool;
import dev.jllm.api.openai.ToolChoice;
import dev.jllm.runtime.sampling.grammar.JsonCheck;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Constrained decoding end to end on stories260K: whatever the weights, the answer follows the grammar. */
class StructuredOutputTest extends StoriesServiceFixture {

    static final String SCHEMA = """
            {"type":"object","properties":{
              "name":{"type":"string","minLength":1,"maxLength":12},
              "age":{"type":"integer","minimum":0,"maximum":120},
              "score":{"type":"number","minimum":-1,"maximum":1},
              "tags":{"type":"array","items":{"enum":["red","green","blue"]},"minItems":1,"maxItems":3},
              "pet":{"anyOf":[{"type":"null"},{"$ref":"#/$defs/pet"}]},
              "ok":{"type":"boolean"}},
             "required":["name","age","tags","pet","ok"],"additionalProperties":false,
             "$defs":{"pet":{"type":"object","properties":{"kind":{"const":"cat"},"legs":{"type":"integer",
               "exclusiveMinimum":0,"maximum":4}},"required":["kind"]}}}""";


    @SuppressWarnings("unchecked")
    static Map<String, Object> schema() {
        return (Map<String, Object>) plain(JsonCheck.parse(SCHEMA));
    }

    static Object plain(Object v) {
        if (v == JsonCheck.NULL) {
            return null;
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new java.util.LinkedHashMap<>();
            m.forEach((k, x) -> out.put((String) k, plain(x)));
            return out;
        }
        if (v instanceof List<?> l) {
            return l.stream().map(StructuredOutputTest::plain).toList();
        }
        return v;
    }

    private ChatCompletionRequest.Builder request() {
        return ChatCompletionRequest.builder().model(model).maxTokens(300)
                .messages(ChatMessage.user("Describe a person as JSON"));
    }

    private static void assertValid(String text) {
        Object v = JsonCheck.parse(text);
        assertThat(JsonCheck.validate(v, schema())).as(text).isEmpty();
    }

    @Test
    void jsonSchemaAnswersParseAndValidateGreedyAndSampled() {
        ResponseFormat rf = ResponseFormat.jsonSchema(new ResponseFormat.JsonSchema("person", null, schema(), true));
        ChatCompletion greedy = service.chatCompletion(request().temperature(0.0).responseFormat(rf).build());
        assertThat(greedy.choices().getFirst().finishReason()).isEqualTo("stop");
        assertValid(greedy.text());
        for (long seed = 1; seed <= 6; seed++) {
            ChatCompletion c = service.chatCompletion(request().temperature(1.0).seed(seed).responseFormat(rf).build());
            assertThat(c.choices().getFirst().finishReason()).as(c.text()).isEqualTo("stop");
            assertValid(c.text());
        }
        // streamed: the pieces join to the same valid document as the whole answer
        StringBuilder text = new StringBuilder();
        String[] finish = new String[1];
        try (ChatCompletionStream s = service.chatCompletionStream(request().temperature(0.0).responseFormat(rf).build())) {
            s.forEach(ch -> {
                text.append(ch.text());
                if (!ch.choices().isEmpty() && ch.choices().getFirst().finishReason() != null) {
                    finish[0] = ch.choices().getFirst().finishReason();
                }
            });
        }
        assertThat(text.toString()).isEqualTo(greedy.text());
        assertThat(finish[0]).isEqualTo("stop");
    }

    @Test
    void llamaCppJsonSchemaAndGrammarFieldsAndJsonObject() {
        ChatCompletion a = service.chatCompletion(request().temperature(0.8).seed(3L).jsonSchema(schema()).build());
        assertValid(a.text());
        ChatCompletion b = service.chatCompletion(request().temperature(0.8).seed(4L)
                .grammar("root ::= (\"yes\" | \"no\") \", because \" [a-z ]{1,20} \".\"").build());
        assertThat(b.text()).matches("(yes|no), because [a-z ]{1,20}\\.");
        assertThat(b.choices().getFirst().finishReason()).isEqualTo("stop");
        ChatCompletion c = service.chatCompletion(request().maxTokens(400).temperature(0.8).seed(5L)
                .responseFormat(ResponseFormat.JSON_OBJECT).build());
        if (c.choices().getFirst().finishReason().equals("stop")) {
            assertThat(JsonCheck.isJsonObject(c.text())).as(c.text()).isTrue();
        } else {
            assertThat(c.text()).startsWith("{");
        }
    }

    @Test
    void lengthCutIsReportedAsLength() {
        ResponseFormat rf = ResponseFormat.jsonSchema(new ResponseFormat.JsonSchema("person", null, schema(), true));
        ChatCompletion c = service.chatCompletion(request().maxTokens(4).temperature(0.0).responseFormat(rf).build());
        assertThat(c.choices().getFirst().finishReason()).isEqualTo("length");
        assertThat(c.usage().completionTokens()).isEqualTo(4);
        assertThat(c.text()).startsWith("{");
        assertThat(JsonCheck.isJsonObject(c.text())).isFalse();
    }

    /**
     * A template that shows tools to the model but is none of the known families: its calls take llama.cpp's
     * generic JSON form, forced here and read back as {@code tool_calls}.
     */
    private static final String GENERIC_TOOL_TEMPLATE = """
            {%- if tools %}System: you can call these tools, answering with JSON:
            {% for t in tools %}{{ t | tojson }}
            {% endfor %}{% endif %}
            {%- for m in messages %}{{ m.role }}: {{ m.content }}
            {% endfor %}{% if add_generation_prompt %}assistant: {% endif %}""";

    @Test
    void forcedToolCallFollowsTheParametersSchema() throws Exception {
        java.nio.file.Path template = home.resolve("generic-tools.jinja");
        java.nio.file.Files.writeString(template, GENERIC_TOOL_TEMPLATE);
        service.create("t", LocalConfig.of(model).withThreads(2).withOption("chat_template_file",
                template.toString()));
        Map<String, Object> params = Map.of("type", "object", "properties", Map.of(
                "city", Map.of("type", "string", "maxLength", 10),
                "unit", Map.of("enum", List.of("C", "F"))), "required", List.of("city", "unit"));
        Tool weather = Tool.function(FunctionDefinition.of("get_weather", "the weather", params));
        // Bounded arguments: a forced call then always ends within max_tokens (an open object could run on).
        Tool time = Tool.function(FunctionDefinition.of("get_time", "the time", Map.of("type", "object",
                "properties", Map.of("zone", Map.of("enum", List.of("UTC", "CET"))), "required", List.of("zone"),
                "additionalProperties", false)));
        for (ToolChoice choice : List.of(ToolChoice.function("get_weather"), ToolChoice.REQUIRED)) {
            ChatCompletion c = service.chatCompletion("t", request().temperature(0.9).seed(2L).maxTokens(400)
                    .tools(List.of(weather, time)).toolChoice(choice).build());
            assertThat(c.choices().getFirst().finishReason()).isEqualTo("tool_calls");
            var calls = c.choices().getFirst().message().toolCalls();
            assertThat(calls).isNotEmpty();
            var call = calls.getFirst().function();
            if (choice instanceof ToolChoice.Function) {
                assertThat(call.name()).isEqualTo("get_weather");
            }
            if (call.name().equals("get_weather")) {
                assertThat(JsonCheck.validate(JsonCheck.parse(call.arguments()), params)).isEmpty();
            } else {
                assertThat(call.name()).isEqualTo("get_time");
                assertThat(JsonCheck.isJsonObject(call.arguments())).isTrue();
            }
        }
    }

    @Test
    void badGrammarsAndSchemasAreRefusedNamingTheParameter() {
        assertThatThrownBy(() -> service.chatCompletion(request().grammar("root ::= (").build()))
                .isInstanceOf(LlmException.class).hasMessageContaining("'grammar'")
                .extracting(e -> ((LlmException) e).kind()).isEqualTo(LlmException.Kind.INVALID_REQUEST);
        ResponseFormat rf = ResponseFormat.jsonSchema(new ResponseFormat.JsonSchema("x", null,
                Map.of("type", "string", "pattern", "^a$"), true));
        assertThatThrownBy(() -> service.chatCompletion(request().responseFormat(rf).build()))
                .isInstanceOf(LlmException.class)
                .hasMessageContaining("response_format.json_schema.schema").hasMessageContaining("'pattern'");
        assertThatThrownBy(() -> service.chatCompletion(request().grammar("root ::= \"a\"")
                .responseFormat(ResponseFormat.JSON_OBJECT).build()))
                .isInstanceOf(LlmException.class).hasMessageContaining("'grammar'");
        assertThatThrownBy(() -> service.chatCompletion(request()
                .tools(List.of(Tool.function(FunctionDefinition.of("f", null, null))))
                .toolChoice(ToolChoice.function("g")).build()))
                .isInstanceOf(LlmException.class).hasMessageContaining("'g'");
    }
}

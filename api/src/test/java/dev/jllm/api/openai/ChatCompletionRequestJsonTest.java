package dev.jllm.api.openai;

import dev.jllm.api.LlmException;
import jakarta.json.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChatCompletionRequestJsonTest {

    @Test
    void readsEveryFieldOfAFullRequest() {
        ChatCompletionRequest r = dev.jllm.api.json.Json.fromJson(Resources.read("request-parts-tools.json"),
                ChatCompletionRequest.class);
        assertThat(r.model()).isEqualTo("gpt-4o");
        assertThat(r.messages()).hasSize(4);

        ChatMessage dev = r.messages().get(0);
        assertThat(dev.role()).isEqualTo("developer");
        assertThat(dev.content()).isEqualTo(MessageContent.of("You are a helpful assistant."));

        ChatMessage user = r.messages().get(1);
        assertThat(user.name()).isEqualTo("alice");
        assertThat(user.content()).isInstanceOf(MessageContent.Parts.class);
        var parts = ((MessageContent.Parts) user.content()).parts();
        assertThat(parts).extracting(ContentPart::type).containsExactly("text", "image_url", "text");
        assertThat(parts.get(1).imageUrl()).isEqualTo(new ContentPart.ImageUrl("https://example.com/cat.jpg", "low"));
        assertThat(user.text()).isEqualTo("What's in this image? And the weather in Boston?");

        ChatMessage assistant = r.messages().get(2);
        assertThat(assistant.content()).isNull();
        assertThat(assistant.toolCalls()).containsExactly(ToolCall.function("call_abc123", "get_current_weather",
                "{\"location\": \"Boston, MA\"}"));

        ChatMessage tool = r.messages().get(3);
        assertThat(tool.toolCallId()).isEqualTo("call_abc123");
        assertThat(tool.text()).isEqualTo("{\"temperature\": 22, \"unit\": \"celsius\"}");

        Tool t = r.tools().getFirst();
        assertThat(t.type()).isEqualTo("function");
        assertThat(t.function().name()).isEqualTo("get_current_weather");
        assertThat(t.function().strict()).isFalse();
        assertThat(t.function().parameters()).containsEntry("type", "object").containsKey("properties");
        assertThat(t.function().parameters().get("required")).isEqualTo(java.util.List.of("location"));

        assertThat(r.toolChoice()).isEqualTo(ToolChoice.function("get_current_weather"));
        assertThat(r.parallelToolCalls()).isTrue();
        assertThat(r.maxTokens()).isEqualTo(100);
        assertThat(r.maxCompletionTokens()).isEqualTo(120);
        assertThat(r.effectiveMaxTokens()).isEqualTo(120);
        assertThat(r.temperature()).isEqualTo(0.7);
        assertThat(r.topP()).isEqualTo(0.9);
        assertThat(r.n()).isEqualTo(1);
        assertThat(r.stop()).containsExactly("\n\n", "END");
        assertThat(r.seed()).isEqualTo(42L);
        assertThat(r.presencePenalty()).isEqualTo(0.5);
        assertThat(r.frequencyPenalty()).isEqualTo(-0.5);
        assertThat(r.logitBias()).containsEntry("50256", -100.0);
        assertThat(r.logprobs()).isTrue();
        assertThat(r.topLogprobs()).isEqualTo(2);
        assertThat(r.responseFormat().type()).isEqualTo("json_schema");
        assertThat(r.responseFormat().jsonSchema().name()).isEqualTo("weather");
        assertThat(r.responseFormat().jsonSchema().strict()).isTrue();
        assertThat(r.responseFormat().jsonSchema().schema()).containsEntry("type", "object");
        assertThat(r.isStream()).isTrue();
        assertThat(r.includeUsage()).isTrue();
        assertThat(r.user()).isEqualTo("user-1234");
        assertThat(r.topK()).isEqualTo(40);
        assertThat(r.minP()).isEqualTo(0.05);
        assertThat(r.repeatPenalty()).isEqualTo(1.1);
    }

    @Test
    void readsStringFormsOfPolymorphicFields() {
        ChatCompletionRequest r = dev.jllm.api.json.Json.fromJson(Resources.read("request-simple.json"),
                ChatCompletionRequest.class);
        assertThat(r.stop()).containsExactly("\n");
        assertThat(r.toolChoice()).isEqualTo(ToolChoice.AUTO);
        assertThat(r.messages().get(1).content()).isEqualTo(MessageContent.of("Hello!"));
        assertThat(r.maxTokens()).isNull();
        assertThat(r.stream()).isNull();
        assertThat(r.isStream()).isFalse();
    }

    @Test
    void roundTripsThroughJsonUnchanged() {
        for (String doc : new String[] {"request-parts-tools.json", "request-simple.json"}) {
            ChatCompletionRequest r = dev.jllm.api.json.Json.fromJson(Resources.read(doc), ChatCompletionRequest.class);
            String written = dev.jllm.api.json.Json.toJson(r);
            assertThat(dev.jllm.api.json.Json.fromJson(written, ChatCompletionRequest.class)).as(doc).isEqualTo(r);
        }
    }

    @Test
    void writesOpenAiNamesAndOmitsAbsentFields() {
        ChatCompletionRequest r = ChatCompletionRequest.builder()
                .model("m")
                .message(ChatMessage.user("hi"))
                .maxCompletionTokens(5)
                .stop("x")
                .toolChoice(ToolChoice.REQUIRED)
                .streamOptions(StreamOptions.INCLUDE_USAGE)
                .stream(true)
                .build();
        var o = Json.createReader(new java.io.StringReader(dev.jllm.api.json.Json.toJson(r))).readObject();
        assertThat(o.keySet()).containsExactlyInAnyOrder("model", "messages", "max_completion_tokens", "stop",
                "tool_choice", "stream_options", "stream");
        assertThat(o.getJsonArray("messages").getJsonObject(0).keySet()).containsExactlyInAnyOrder("role", "content");
        assertThat(o.getJsonArray("messages").getJsonObject(0).getString("content")).isEqualTo("hi");
        assertThat(o.getJsonArray("stop").getString(0)).isEqualTo("x");
        assertThat(o.getString("tool_choice")).isEqualTo("required");
        assertThat(o.getJsonObject("stream_options").getBoolean("include_usage")).isTrue();
    }

    @Test
    void writesToolChoiceObjectAndContentParts() {
        ChatCompletionRequest r = ChatCompletionRequest.builder()
                .message(ChatMessage.user(java.util.List.of(ContentPart.text("a"), ContentPart.image("data:x"))))
                .toolChoice(ToolChoice.function("f"))
                .build();
        var o = Json.createReader(new java.io.StringReader(dev.jllm.api.json.Json.toJson(r))).readObject();
        assertThat(o.getJsonObject("tool_choice").toString())
                .isEqualTo("{\"type\":\"function\",\"function\":{\"name\":\"f\"}}");
        var content = o.getJsonArray("messages").getJsonObject(0).getJsonArray("content");
        assertThat(content.getJsonObject(0).toString()).isEqualTo("{\"text\":\"a\",\"type\":\"text\"}");
        assertThat(content.getJsonObject(1).getJsonObject("image_url").getString("url")).isEqualTo("data:x");
    }

    @Test
    void rejectsMalformedPolymorphicFieldsWithAClearError() {
        assertThatThrownBy(() -> dev.jllm.api.json.Json.fromJson(
                "{\"messages\":[{\"role\":\"user\",\"content\":42}]}", ChatCompletionRequest.class))
                .isInstanceOf(LlmException.class)
                .hasMessageContaining("content must be a string or an array")
                .extracting(e -> ((LlmException) e).kind()).isEqualTo(LlmException.Kind.INVALID_REQUEST);
        assertThatThrownBy(() -> dev.jllm.api.json.Json.fromJson("{\"stop\":[1,2]}", ChatCompletionRequest.class))
                .isInstanceOf(LlmException.class).hasMessageContaining("array of strings");
        assertThatThrownBy(() -> dev.jllm.api.json.Json.fromJson("{\"tool_choice\":{\"type\":\"function\"}}",
                ChatCompletionRequest.class))
                .isInstanceOf(LlmException.class).hasMessageContaining("tool_choice");
        assertThatThrownBy(() -> dev.jllm.api.json.Json.fromJson("{\"model\":", ChatCompletionRequest.class))
                .isInstanceOf(LlmException.class).hasMessageContaining("ChatCompletionRequest");
    }
}

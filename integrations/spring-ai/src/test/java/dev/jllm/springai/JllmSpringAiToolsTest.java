package dev.jllm.springai;

import dev.jllm.api.LlmException;
import dev.jllm.api.LocalConfig;
import dev.jllm.api.ModelHandle;
import dev.jllm.models.testing.TestData;
import dev.jllm.providers.LlmServiceMain;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Spring AI tool callbacks on stories260K: offered to the model through a tool-carrying (Hermes-style) template,
 * refused by name where the template cannot carry them, and a call with its result rendered back in a later turn.
 */
class JllmSpringAiToolsTest {

    /** A small Hermes-style template: tools in the system turn, calls and results in the conversation. */
    private static final String TEMPLATE = """
            {%- if tools %}<|im_start|>system
            Tools:{% for t in tools %}
            {{ t | tojson }}{% endfor %}
            Call one as <tool_call>{"name": ..., "arguments": {...}}</tool_call><|im_end|>
            {% endif %}
            {%- for m in messages %}{% if m.role == 'tool' %}<|im_start|>user
            <tool_response>{{ m.content }}</tool_response><|im_end|>
            {% elif m.tool_calls %}<|im_start|>assistant{% for c in m.tool_calls %}
            <tool_call>{"name": "{{ c.function.name }}", "arguments": {{ c.function.arguments }}}</tool_call>{% endfor %}<|im_end|>
            {% else %}<|im_start|>{{ m.role }}
            {{ m.content }}<|im_end|>
            {% endif %}{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant
            {% endif %}""";

    @TempDir
    static Path home;
    static LlmServiceMain service;
    static String model;

    static final ToolCallback WEATHER = new ToolCallback() {
        @Override
        public ToolDefinition getToolDefinition() {
            return ToolDefinition.builder().name("get_weather").description("The weather in a city")
                    .inputSchema("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},"
                            + "\"required\":[\"city\"]}").build();
        }

        @Override
        public String call(String arguments) {
            return "sunny";
        }
    };

    @BeforeAll
    static void start() throws Exception {
        model = TestData.stories260k().toString();
        Path template = home.resolve("hermes.jinja");
        Files.writeString(template, TEMPLATE);
        service = new LlmServiceMain(home);
        service.create("tools", LocalConfig.of(model).withThreads(1).withOption("chat_template_file",
                template.toString()));
        service.create("plain", LocalConfig.of(model).withThreads(1));
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    private static JllmChatModel chat(String instance) {
        return new JllmChatModel(new ModelHandle(service, instance, model), null);
    }

    @Test
    void toolsAreOfferedThroughATemplateThatCarriesThem() {
        ToolCallingChatOptions options = ToolCallingChatOptions.builder().toolCallbacks(WEATHER).maxTokens(4)
                .temperature(0.0).build();
        ChatResponse with = chat("tools").call(new Prompt("Weather in Paris?", options));
        ChatResponse without = chat("tools").call(new Prompt("Weather in Paris?", ToolCallingChatOptions.builder()
                .maxTokens(4).temperature(0.0).build()));
        // The tool's definition is in the prompt the model read.
        assertThat(with.getMetadata().getUsage().getPromptTokens())
                .isGreaterThan(without.getMetadata().getUsage().getPromptTokens());
        assertThatThrownBy(() -> chat("plain").call(new Prompt("Weather in Paris?", options)))
                .isInstanceOf(LlmException.class).hasMessageContaining("tools");
    }

    @Test
    void aCallAndItsResultGoBackThroughTheTemplate() {
        var call = new AssistantMessage.ToolCall("call_1", "function", "get_weather", "{\"city\":\"Paris\"}");
        List<org.springframework.ai.chat.messages.Message> history = List.of(new UserMessage("Weather in Paris?"),
                AssistantMessage.builder().content("").toolCalls(List.of(call)).build(),
                ToolResponseMessage.builder().responses(List.of(
                        new ToolResponseMessage.ToolResponse("call_1", "get_weather", "sunny"))).build());
        ChatResponse r = chat("tools").call(new Prompt(history, ToolCallingChatOptions.builder()
                .toolCallbacks(WEATHER).maxTokens(4).temperature(0.0).build()));
        ChatResponse questionOnly = chat("tools").call(new Prompt("Weather in Paris?", ToolCallingChatOptions
                .builder().toolCallbacks(WEATHER).maxTokens(4).temperature(0.0).build()));
        assertThat(r.getMetadata().getUsage().getPromptTokens())
                .isGreaterThan(questionOnly.getMetadata().getUsage().getPromptTokens());
    }
}

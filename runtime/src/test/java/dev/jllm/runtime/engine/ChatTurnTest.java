package dev.jllm.runtime.engine;

import dev.jllm.api.LlmException;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.ChatMessage;
import dev.jllm.api.openai.FunctionDefinition;
import dev.jllm.api.openai.Tool;
import dev.jllm.api.openai.ToolChoice;
import dev.jllm.models.testing.TestData;
import dev.jllm.runtime.chat.tools.HermesFormat;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How a chat request is rendered for a model and read back: tools offered or not, the thinking switch. */
class ChatTurnTest {

    private static String template(String name) throws IOException {
        try (InputStream in = ChatTurnTest.class.getResourceAsStream("/dev/jllm/template/templates/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static LocalModel load(String template) {
        Path model = TestData.require("stories260K/stories260K.gguf");
        return LocalModel.load("s", model, LocalSettings.defaults(1, 256), null, template);
    }

    private static ChatCompletionRequest.Builder ask() {
        return ChatCompletionRequest.builder().messages(ChatMessage.user("Hi"));
    }

    private static final Tool WEATHER = Tool.function(FunctionDefinition.of("get_weather", "weather",
            Map.of("type", "object")));

    @Test
    void reasoningEffortSwitchesQwen3Thinking() throws IOException {
        try (LocalModel m = load(template("qwen3.jinja"))) {
            ChatTurn off = ChatTurn.of(m, ask().reasoningEffort("none").build());
            assertThat(off.prompt()).endsWith("<|im_start|>assistant\n<think>\n\n</think>\n\n");
            assertThat(off.thinking()).isTrue();
            assertThat(off.startsInside()).isFalse();
            ChatTurn on = ChatTurn.of(m, ask().reasoningEffort("high").build());
            assertThat(on.prompt()).endsWith("<|im_start|>assistant\n");
            assertThat(ChatTurn.of(m, ask().build()).prompt()).isEqualTo(on.prompt());
        }
    }

    @Test
    void aPromptThatOpensThinkingStartsInside() {
        // DeepSeek-R1's templates end the generation prompt with "<think>\n"
        String r1 = "{% for m in messages %}<｜User｜>{{ m.content }}{% endfor %}<｜Assistant｜><think>\n{# </think> #}";
        try (LocalModel m = load(r1)) {
            ChatTurn turn = ChatTurn.of(m, ask().build());
            assertThat(turn.thinking()).isTrue();
            assertThat(turn.startsInside()).isTrue();
        }
    }

    @Test
    void toolsAreOfferedUnlessToolChoiceIsNone() throws IOException {
        try (LocalModel m = load(template("qwen2.5-instruct.jinja"))) {
            ChatTurn offered = ChatTurn.of(m, ask().tools(List.of(WEATHER)).build());
            assertThat(offered.prompt()).contains("\"name\": \"get_weather\"");
            assertThat(offered.format()).isInstanceOf(HermesFormat.class);
            assertThat(offered.maxCalls()).isEqualTo(Integer.MAX_VALUE);
            assertThat(ChatTurn.of(m, ask().tools(List.of(WEATHER)).parallelToolCalls(false).build()).maxCalls())
                    .isEqualTo(1);
            ChatTurn none = ChatTurn.of(m, ask().tools(List.of(WEATHER)).toolChoice(ToolChoice.NONE).build());
            assertThat(none.prompt()).doesNotContain("get_weather");
            assertThat(none.format()).isNull();
        }
        try (LocalModel m = load(null)) {
            assertThatThrownBy(() -> ChatTurn.of(m, ask().tools(List.of(WEATHER)).build()))
                    .isInstanceOf(LlmException.class).hasMessageStartingWith("invalid 'tools'")
                    .hasMessageContaining("cannot carry tools");
        }
    }
}

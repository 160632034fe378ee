package dev.jllm.runtime.engine;

import dev.jllm.api.LocalConfig;
import dev.jllm.api.openai.ChatCompletion;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.ChatMessage;
import dev.jllm.providers.LlmServiceMain;
import dev.jllm.models.testing.TestData;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** A local instance serves an HF directory as it serves the GGUF file: the same answers (what serve and run do). */
class LocalLlmHfDirectoryTest {
    @TempDir
    Path home;

    @Test
    void theHfDirectoryAnswersLikeTheGgufFile() {
        String gguf = TestData.require("stories260K/stories260K.gguf").toString();
        String hf = TestData.require("stories260K/hf").toString();
        try (LlmServiceMain service = new LlmServiceMain(home)) {
            service.create("g", LocalConfig.of(gguf).withThreads(1));
            service.create("h", LocalConfig.of(hf).withThreads(1));
            for (String text : new String[] {"Tell me a story", "Once upon a time"}) {
                ChatCompletion fromGguf = service.chatCompletion("g", request(gguf, text));
                ChatCompletion fromHf = service.chatCompletion("h", request(hf, text));
                assertThat(fromHf.text()).as(text).isNotBlank().isEqualTo(fromGguf.text());
                assertThat(fromHf.usage().promptTokens()).isEqualTo(fromGguf.usage().promptTokens());
            }
            // generation_config.json says do_sample: false, so a request without temperature decodes greedily
            ChatCompletionRequest noTemperature = ChatCompletionRequest.builder().model(hf).maxTokens(40)
                    .messages(ChatMessage.user("Tell me a story")).build();
            assertThat(service.chatCompletion("h", noTemperature).text())
                    .isEqualTo(service.chatCompletion("g", request(gguf, "Tell me a story")).text());
        }
    }

    private static ChatCompletionRequest request(String model, String text) {
        return ChatCompletionRequest.builder().model(model).temperature(0.0).maxTokens(40)
                .messages(ChatMessage.user(text)).build();
    }
}

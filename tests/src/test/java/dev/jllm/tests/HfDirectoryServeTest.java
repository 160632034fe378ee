package dev.jllm.tests;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.jllm.models.testing.TestData;
import dev.jllm.server.config.ModelSpec;
import dev.jllm.tests.support.TestServer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code jllm serve --model DIR}: a Hugging Face directory is served like the GGUF file it was converted to. */
class HfDirectoryServeTest {

    @Test
    void theHfDirectoryAndTheGgufFileGiveTheSameAnswers() {
        String gguf = TestData.stories260k().toString();
        String hf = TestData.require("stories260K/hf").toString();
        try (TestServer server = TestServer.start(c -> c.withModels(List.of(new ModelSpec(gguf, "gguf"), new ModelSpec(hf, "hf"))))) {
            OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(server.baseUrl() + "/v1").apiKey("none")
                    .maxRetries(0).build();
            try {
                String fromGguf = answer(client, "gguf");
                String fromHf = answer(client, "hf");
                assertThat(fromHf).isNotBlank().isEqualTo(fromGguf);
            } finally {
                client.close();
            }
        }
    }

    private static String answer(OpenAIClient client, String model) {
        return client.chat().completions().create(ChatCompletionCreateParams.builder().model(model)
                        .addUserMessage("Once upon a time").temperature(0.0).maxCompletionTokens(40).build())
                .choices().getFirst().message().content().orElseThrow();
    }
}

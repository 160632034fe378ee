package dev.jllm.tests;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.CompletionUsage;
import com.openai.models.models.Model;
import dev.jllm.tests.support.OpenAiSdk;
import dev.jllm.tests.support.FakeUpstream;
import dev.jllm.tests.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The official OpenAI Java SDK as the client, unchanged but for the base URL: what any OpenAI application sees.
 * Here against an openai-type instance in front of the fake upstream (see {@code Stories260kSdkTest} for the
 * same against the local engine).
 */
class OpenAiSdkTest {

    private static final String KEY = "sdk-key";
    private static TestServer server;
    private static OpenAIClient client;

    @BeforeAll
    static void start() {
        server = TestServer.start(c -> c.withApiKey(KEY));
        client = OpenAiSdk.client(server.baseUrl(), KEY);
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    private static ChatCompletionCreateParams.Builder params(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("Tell me a story").temperature(0.0);
    }

    @Test
    void listsModels() {
        List<String> ids = new ArrayList<>();
        for (Model m : client.models().list().autoPager()) {
            ids.add(m.id());
        }
        assertThat(ids).contains(TestServer.INSTANCE, FakeUpstream.MODEL);
        assertThat(client.models().retrieve(FakeUpstream.MODEL).id()).isEqualTo(FakeUpstream.MODEL);
    }

    @Test
    void wholeAndStreamedCompletionsAgree() {
        ChatCompletion whole = client.chat().completions().create(params(FakeUpstream.MODEL).build());
        String wholeText = whole.choices().getFirst().message().content().orElseThrow();
        assertThat(wholeText).isNotEmpty();
        assertThat(whole.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        CompletionUsage usage = whole.usage().orElseThrow();
        assertThat(usage.completionTokens()).isPositive();

        StringBuilder streamed = new StringBuilder();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(
                params(FakeUpstream.MODEL).streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true)
                        .build()).build())) {
            s.stream().forEach(c -> {
                chunks.add(c);
                c.choices().forEach(ch -> ch.delta().content().ifPresent(streamed::append));
            });
        }
        assertThat(streamed.toString()).isEqualTo(wholeText);
        ChatCompletionChunk last = chunks.getLast();
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage().orElseThrow().completionTokens()).isEqualTo(usage.completionTokens());
        assertThat(chunks.stream().map(ChatCompletionChunk::id).distinct()).hasSize(1);
        assertThat(chunks.getFirst().choices().getFirst().delta().role()).isPresent();
    }

    @Test
    void badRequestIsBadRequestException() {
        assertThatThrownBy(() -> client.chat().completions().create(params(FakeUpstream.MODEL).temperature(7.0)
                .build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.param()).hasValue("temperature");
                    assertThat(e.type()).hasValue("invalid_request_error");
                });
    }

    @Test
    void wrongKeyIsUnauthorizedException() {
        OpenAIClient wrong = OpenAIOkHttpClient.builder().baseUrl(server.baseUrl() + "/v1").apiKey("nope")
                .maxRetries(0).build();
        try {
            assertThatThrownBy(() -> wrong.models().list())
                    .isInstanceOfSatisfying(UnauthorizedException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(401);
                        assertThat(e.code()).hasValue("invalid_api_key");
                    });
        } finally {
            wrong.close();
        }
    }

    @Test
    void unknownModelIsNotFoundException() {
        assertThatThrownBy(() -> client.chat().completions().create(params("no-such-model").build()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.code()).hasValue("model_not_found");
                });
        assertThatThrownBy(() -> client.models().retrieve("no-such-model")).isInstanceOf(NotFoundException.class);
    }
}

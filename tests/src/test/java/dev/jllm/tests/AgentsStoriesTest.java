package dev.jllm.tests;

import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.ReasoningEffort;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionPredictionContent;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import dev.jllm.tests.support.OpenAiSdk;
import dev.jllm.tests.support.Closeables;
import dev.jllm.models.testing.TestData;
import dev.jllm.server.config.ModelSpec;
import dev.jllm.tests.support.Http;
import dev.jllm.tests.support.TestServer;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The agent-facing surface on the real engine: stories260K served twice, as {@code stories} with no chat template
 * of its own (a generic one that cannot show tools) and as {@code stories-tools} with a Qwen 2.5 template given by
 * {@code --chat-template-file}. Driven by the official OpenAI Java SDK and raw HTTP.
 */
class AgentsStoriesTest {

    static final String PLAIN = "stories";
    static final String TOOLS = "stories-tools";
    private static TestServer server;
    private static OpenAIClient client;

    @BeforeAll
    static void start() {
        String model = TestData.stories260k().toString();
        server = TestServer.start(c -> c.withModels(List.of(new ModelSpec(model, PLAIN),
                new ModelSpec(model, TOOLS, null, ToolCallsSdkTest.template().toString()))));
        client = OpenAiSdk.client(server.baseUrl(), null);
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(OpenAiSdk.closing(client), server);
    }

    private static ChatCompletionCreateParams.Builder ask(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("Once upon a time").temperature(0.0)
                .maxCompletionTokens(8);
    }

    private static FunctionDefinition weather() {
        return FunctionDefinition.builder().name("get_weather").parameters(FunctionParameters.builder()
                .putAdditionalProperty("type", JsonValue.from("object"))
                .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                .build()).build();
    }

    @Test
    void toolsForATemplateThatCannotCarryThemAreA400NamingTools() {
        assertThatThrownBy(() -> client.chat().completions().create(ask(PLAIN).addFunctionTool(weather()).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.param()).hasValue("tools");
                    assertThat(e.getMessage()).contains("cannot carry tools").contains("--chat-template-file");
                });
        // the same model behind a template that renders tools takes them
        ChatCompletion c = client.chat().completions().create(ask(TOOLS).addFunctionTool(weather()).build());
        assertThat(c.choices().getFirst().finishReason().asString()).isIn("stop", "length", "tool_calls");
        // tool_choice none: nothing is offered, so nothing is dropped
        ChatCompletion none = client.chat().completions().create(ask(PLAIN).addFunctionTool(weather())
                .toolChoice(com.openai.models.chat.completions.ChatCompletionToolChoiceOption.Auto.NONE).build());
        assertThat(none.choices()).hasSize(1);
    }

    @Test
    void newerOpenAiFieldsAreAccepted() {
        ChatCompletion c = client.chat().completions().create(ask(PLAIN).store(false)
                .metadata(ChatCompletionCreateParams.Metadata.builder().putAdditionalProperty("team", JsonValue.from("a")).build())
                .serviceTier(ChatCompletionCreateParams.ServiceTier.AUTO).promptCacheKey("k").safetyIdentifier("s")
                .user("u").reasoningEffort(ReasoningEffort.LOW).verbosity(ChatCompletionCreateParams.Verbosity.LOW)
                .modalities(List.of(ChatCompletionCreateParams.Modality.TEXT))
                .prediction(ChatCompletionPredictionContent.builder().content("Once").build())
                .parallelToolCalls(true).build());
        assertThat(c.choices().getFirst().message().content()).isPresent();
        assertThat(c.usage().orElseThrow().completionTokens()).isBetween(1L, 8L);
    }

    @Test
    void nTwoGivesTwoChoicesWholeAndStreamed() {
        ChatCompletion c = client.chat().completions().create(ask(PLAIN).n(2).build());
        assertThat(c.choices()).extracting(ChatCompletion.Choice::index).containsExactly(0L, 1L);
        // greedy: one prompt, two identical continuations
        assertThat(c.choices().get(1).message().content()).isEqualTo(c.choices().get(0).message().content());

        Set<Long> indexes = new TreeSet<>();
        List<String> finishes = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(ask(PLAIN).n(2)
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            s.stream().forEach(ch -> ch.choices().forEach(choice -> {
                indexes.add(choice.index());
                choice.finishReason().ifPresent(f -> finishes.add(f.asString()));
            }));
        }
        assertThat(indexes).containsExactly(0L, 1L);
        assertThat(finishes).hasSize(2);
    }

    @Test
    void logitBiasAndMaxCompletionTokensAreHonoured() {
        ChatCompletion greedy = client.chat().completions().create(ask(PLAIN).maxCompletionTokens(3).build());
        assertThat(greedy.usage().orElseThrow().completionTokens()).isEqualTo(3);
        // +100 on one token makes greedy decoding pick it every time
        JsonObject tokens = Http.json(server.http().post("/tokenize", "{\"model\":\"stories\",\"content\":\"dog\"}"));
        int dog = tokens.getJsonArray("tokens").getInt(tokens.getJsonArray("tokens").size() - 1);
        ChatCompletion forced = client.chat().completions().create(ask(PLAIN).maxCompletionTokens(3)
                .logitBias(ChatCompletionCreateParams.LogitBias.builder()
                        .putAdditionalProperty(Integer.toString(dog), JsonValue.from(100)).build()).build());
        JsonObject expected = Http.json(server.http().post("/detokenize", "{\"model\":\"stories\",\"tokens\":["
                + dog + "," + dog + "," + dog + "]}"));
        assertThat(forced.choices().getFirst().message().content()).hasValue(expected.getString("content"));
        assertThat(forced.choices().getFirst().message().content()).isNotEqualTo(greedy.choices().getFirst().message().content());
    }

    @Test
    void theModelIsNamedAsTheClientNamedIt() {
        assertThat(client.chat().completions().create(ask(PLAIN).build()).model()).isEqualTo(PLAIN);
        List<String> models = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(ask(TOOLS).build())) {
            s.stream().forEach(ch -> models.add(ch.model()));
        }
        assertThat(models).isNotEmpty().containsOnly(TOOLS);
    }

    @Test
    void llamaServerUtilityRoutes() {
        Http http = server.http();
        JsonObject tokens = Http.json(http.post("/tokenize", "{\"model\":\"stories\",\"content\":\"Once upon\",\"with_pieces\":true}"));
        var list = tokens.getJsonArray("tokens");
        assertThat(list).isNotEmpty();
        StringBuilder text = new StringBuilder();
        StringBuilder ids = new StringBuilder();
        for (var t : list) {
            JsonObject piece = t.asJsonObject();
            text.append(piece.getString("piece"));
            ids.append(ids.isEmpty() ? "" : ",").append(piece.getInt("id"));
        }
        assertThat(text.toString()).contains("Once").contains("upon");
        JsonObject back = Http.json(http.post("/detokenize", "{\"model\":\"stories\",\"tokens\":[" + ids + "]}"));
        assertThat(back.getString("content")).isEqualTo(text.toString());
        JsonObject plainIds = Http.json(http.post("/tokenize", "{\"model\":\"stories\",\"content\":\"Once upon\"}"));
        assertThat(plainIds.getJsonArray("tokens").getJsonNumber(0).intValue()).isEqualTo(list.get(0).asJsonObject().getInt("id"));

        JsonObject props = Http.json(http.get("/props?model=" + TOOLS));
        assertThat(props.getInt("total_slots")).isPositive();
        assertThat(props.getJsonObject("default_generation_settings").getInt("n_ctx")).isPositive();
        assertThat(props.getString("chat_template")).contains("<tool_call>");
        assertThat(props.getJsonObject("chat_template_caps").getBoolean("supports_tools")).isTrue();
        assertThat(props.getJsonObject("chat_template_caps").getString("tool_call_format")).isEqualTo("hermes");
        JsonObject plainProps = Http.json(http.get("/props?model=" + PLAIN));
        assertThat(plainProps.getJsonObject("chat_template_caps").getBoolean("supports_tools")).isFalse();

        HttpResponse<String> bad = http.post("/detokenize", "{\"model\":\"stories\",\"tokens\":[999999]}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(http.post("/tokenize", "{\"model\":\"stories\"}").statusCode()).isEqualTo(400);
    }
}

package dev.jllm.tests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.jllm.tests.support.OpenAiSdk;
import dev.jllm.tests.support.Closeables;
import dev.jllm.models.testing.TestData;
import dev.jllm.server.config.ModelSpec;
import dev.jllm.tests.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Structured output through {@code /v1/chat/completions} with the official OpenAI Java SDK: a strict
 * {@code response_format} json_schema makes even stories260K (a tiny story model) answer with JSON that follows
 * the schema, whole and streamed.
 */
class StructuredOutputSdkTest {

    private static final String KEY = "local-key";
    private static final String ALIAS = "stories";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestServer server;
    private static OpenAIClient client;

    @BeforeAll
    static void start() {
        server = TestServer.start(c -> c.withApiKey(KEY)
                .withModels(List.of(new ModelSpec(TestData.stories260k().toString(), ALIAS))));
        client = OpenAiSdk.client(server.baseUrl(), KEY);
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(OpenAiSdk.closing(client), server);
    }

    private static ResponseFormatJsonSchema format() {
        ResponseFormatJsonSchema.JsonSchema.Schema schema = ResponseFormatJsonSchema.JsonSchema.Schema.builder()
                .putAdditionalProperty("type", JsonValue.from("object"))
                .putAdditionalProperty("properties", JsonValue.from(Map.of(
                        "title", Map.of("type", "string", "maxLength", 16),
                        "year", Map.of("type", "integer", "minimum", 1900, "maximum", 2100),
                        "genre", Map.of("enum", List.of("fable", "poem", "tale")),
                        "characters", Map.of("type", "array", "items", Map.of("type", "string", "maxLength", 8),
                                "minItems", 1, "maxItems", 2))))
                .putAdditionalProperty("required", JsonValue.from(List.of("title", "year", "genre", "characters")))
                .putAdditionalProperty("additionalProperties", JsonValue.from(false))
                .build();
        return ResponseFormatJsonSchema.builder().jsonSchema(ResponseFormatJsonSchema.JsonSchema.builder()
                .name("story").schema(schema).strict(true).build()).build();
    }

    private static ChatCompletionCreateParams.Builder params(long seed) {
        return ChatCompletionCreateParams.builder().model(ALIAS).addUserMessage("Once upon a time")
                .maxCompletionTokens(300).temperature(1.0).seed(seed).responseFormat(format());
    }

    /** Checks the answer against the schema above, member by member. */
    private static void assertFollowsSchema(String text) throws Exception {
        JsonNode doc = JSON.readTree(text);
        assertThat(doc.isObject()).as(text).isTrue();
        List<String> names = new ArrayList<>();
        Iterator<String> it = doc.fieldNames();
        it.forEachRemaining(names::add);
        assertThat(names).as(text).containsExactlyInAnyOrder("title", "year", "genre", "characters");
        assertThat(doc.get("title").isTextual() && doc.get("title").asText().codePointCount(0,
                doc.get("title").asText().length()) <= 16).as(text).isTrue();
        assertThat(doc.get("year").isIntegralNumber()).as(text).isTrue();
        assertThat(doc.get("year").asLong()).isBetween(1900L, 2100L);
        assertThat(doc.get("genre").asText()).isIn("fable", "poem", "tale");
        assertThat(doc.get("characters").isArray()).isTrue();
        assertThat(doc.get("characters").size()).isBetween(1, 2);
        doc.get("characters").forEach(c -> assertThat(c.isTextual() && c.asText().length() <= 8).as(text).isTrue());
    }

    @Test
    void wholeAnswersFollowTheSchema() throws Exception {
        for (long seed = 1; seed <= 3; seed++) {
            ChatCompletion c = client.chat().completions().create(params(seed).build());
            assertThat(c.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
            assertFollowsSchema(c.choices().getFirst().message().content().orElseThrow());
        }
    }

    @Test
    void streamedAnswersFollowTheSchema() throws Exception {
        for (long seed = 4; seed <= 5; seed++) {
            StringBuilder text = new StringBuilder();
            List<ChatCompletionChunk.Choice.FinishReason> finish = new ArrayList<>();
            try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(params(seed).build())) {
                s.stream().forEach(c -> c.choices().forEach(ch -> {
                    ch.delta().content().ifPresent(text::append);
                    ch.finishReason().ifPresent(finish::add);
                }));
            }
            assertThat(finish).containsExactly(ChatCompletionChunk.Choice.FinishReason.STOP);
            assertFollowsSchema(text.toString());
        }
    }

    @Test
    void unsupportedSchemaFeaturesAreA400NamingThem() {
        ResponseFormatJsonSchema.JsonSchema.Schema schema = ResponseFormatJsonSchema.JsonSchema.Schema.builder()
                .putAdditionalProperty("type", JsonValue.from("string"))
                .putAdditionalProperty("pattern", JsonValue.from("^[a-z]+$")).build();
        ChatCompletionCreateParams p = ChatCompletionCreateParams.builder().model(ALIAS).addUserMessage("hi")
                .responseFormat(ResponseFormatJsonSchema.builder().jsonSchema(ResponseFormatJsonSchema.JsonSchema
                        .builder().name("x").schema(schema).strict(true).build()).build()).build();
        assertThatThrownBy(() -> client.chat().completions().create(p))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("pattern");
    }
}

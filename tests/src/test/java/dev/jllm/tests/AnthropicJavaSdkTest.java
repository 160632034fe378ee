package dev.jllm.tests;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.BadRequestException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolChoiceAny;
import com.anthropic.models.messages.ToolChoiceTool;
import com.anthropic.models.messages.ToolUseBlock;
import dev.jllm.models.testing.TestData;
import dev.jllm.server.config.ModelSpec;
import dev.jllm.tests.support.Closing;
import dev.jllm.tests.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Anthropic's official Java SDK ({@code com.anthropic:anthropic-java}) on the Messages API against the tiny real
 * model (stories260K) behind a tool-capable template, the key sent as {@code x-api-key}: whole and streamed
 * answers (its MessageAccumulator rebuilds the stream), forced tool_use by name and by "any" whole and streamed
 * (the input valid for the schema whatever the weights, its JSON arriving in pieces), and Anthropic's error for
 * an invalid request.
 */
class AnthropicJavaSdkTest {

    private static TestServer server;
    private static AnthropicClient client;

    @BeforeAll
    static void start() {
        String model = TestData.stories260k().toString();
        server = TestServer.start(c -> c.withApiKey("anthropic-key").withModels(List.of(new ModelSpec(model, "agent",
                null, ToolCallsSdkTest.template().toString()))));
        client = AnthropicOkHttpClient.builder().baseUrl(server.baseUrl()).apiKey("anthropic-key").maxRetries(0)
                .build();
    }

    @AfterAll
    static void stop() throws Exception {
        Closing.all(client == null ? null : client::close, server);
    }

    private static String text(Message m) {
        StringBuilder s = new StringBuilder();
        m.content().forEach(b -> b.text().ifPresent(t -> s.append(t.text())));
        return s.toString();
    }

    @Test
    void wholeAndStreamed() {
        MessageCreateParams params = MessageCreateParams.builder().model("agent").maxTokens(12)
                .putAdditionalBodyProperty("temperature", JsonValue.from(0))
                .system("Tell a story.").addUserMessage("Once upon a time").build();
        Message whole = client.messages().create(params);
        assertThat(whole.id()).startsWith("msg_");
        assertThat(text(whole)).isNotEmpty();
        assertThat(whole.stopReason()).hasValueSatisfying(r -> assertThat(r).isIn(StopReason.END_TURN,
                StopReason.MAX_TOKENS));
        assertThat(whole.usage().outputTokens()).isBetween(1L, 12L);

        MessageAccumulator acc = MessageAccumulator.create();
        StringBuilder deltas = new StringBuilder();
        try (StreamResponse<RawMessageStreamEvent> s = client.messages().createStreaming(params)) {
            s.stream().forEach(e -> {
                acc.accumulate(e);
                e.contentBlockDelta().flatMap(d -> d.delta().text()).ifPresent(t -> deltas.append(t.text()));
            });
        }
        Message streamed = acc.message();
        assertThat(text(streamed)).isEqualTo(deltas.toString()).isEqualTo(text(whole));
        assertThat(streamed.stopReason()).isEqualTo(whole.stopReason());
    }

    private static Tool weather() {
        return Tool.builder().name("get_weather").description("weather").inputSchema(Tool.InputSchema.builder()
                .properties(Tool.InputSchema.Properties.builder()
                        .putAdditionalProperty("city", JsonValue.from(Map.of("type", "string",
                                "enum", List.of("Paris", "Rome", "Oslo"))))
                        .putAdditionalProperty("days", JsonValue.from(Map.of("type", "integer", "minimum", 1,
                                "maximum", 7))).build())
                .required(List.of("city", "days")).build()).build();
    }

    private static void assertWeatherCall(Message m) {
        assertThat(m.stopReason()).hasValue(StopReason.TOOL_USE);
        ContentBlock block = m.content().getFirst();
        ToolUseBlock use = block.toolUse().orElseThrow();
        assertThat(use.name()).isEqualTo("get_weather");
        @SuppressWarnings("unchecked")
        Map<String, Object> input = use._input().convert(Map.class);
        NodeWireSdkTest.assertWeather(jakarta.json.Json.createObjectBuilder(input).build().toString());
    }

    @Test
    void forcedToolUseWholeAndStreamed() {
        MessageCreateParams.Builder ask = MessageCreateParams.builder().model("agent").maxTokens(300)
                .addUserMessage("Weather?").addTool(weather());
        assertWeatherCall(client.messages().create(ask.toolChoice(ToolChoiceTool.builder().name("get_weather")
                .build()).build()));

        MessageAccumulator acc = MessageAccumulator.create();
        List<String> pieces = new ArrayList<>();
        try (StreamResponse<RawMessageStreamEvent> s = client.messages().createStreaming(
                ask.toolChoice(ToolChoiceAny.builder().build()).build())) {
            s.stream().forEach(e -> {
                acc.accumulate(e);
                e.contentBlockDelta().flatMap(d -> d.delta().inputJson()).ifPresent(j -> pieces.add(j.partialJson()));
            });
        }
        assertWeatherCall(acc.message());
        assertThat(pieces).hasSizeGreaterThan(3);
        NodeWireSdkTest.assertWeather(String.join("", pieces));
    }

    @Test
    void invalidRequestsGetAnthropicsError() {
        assertThatThrownBy(() -> client.messages().create(MessageCreateParams.builder().model("agent").maxTokens(4)
                .addUserMessage("Hi").addTool(weather()).toolChoice(ToolChoiceTool.builder().name("nope").build())
                .build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("nope");
                });
    }
}

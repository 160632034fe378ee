package dev.jllm.tests;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionNamedToolChoice;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.ToolChoiceFunction;
import com.openai.models.responses.ToolChoiceOptions;
import dev.jllm.models.testing.TestData;
import dev.jllm.server.config.ModelSpec;
import dev.jllm.tests.support.Closing;
import dev.jllm.tests.support.StreamedChat;
import dev.jllm.tests.support.TestServer;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official Java SDK ({@code com.openai:openai-java}) on the Responses API (whole, streamed through its
 * ResponseAccumulator, forced function calls named and required) and on Chat Completions (forced calls named
 * and required, whole and streamed, the arguments arriving in pieces), and LangChain4j's OpenAI module with
 * {@code ToolChoice.REQUIRED}, whole and streamed, all against the tiny real model (stories260K) behind a
 * tool-capable template: the calls are valid for the schema whatever the weights (constrained decoding).
 */
class ResponsesJavaSdkTest {

    private static final Map<String, Object> CITY = Map.of("type", "string", "enum", List.of("Paris", "Rome", "Oslo"));
    private static final Map<String, Object> DAYS = Map.of("type", "integer", "minimum", 1, "maximum", 7);
    private static TestServer server;
    private static OpenAIClient client;

    @BeforeAll
    static void start() {
        String model = TestData.stories260k().toString();
        server = TestServer.start(c -> c.withModels(List.of(new ModelSpec(model, "agent", null,
                ToolCallsSdkTest.template().toString()))));
        client = OpenAIOkHttpClient.builder().baseUrl(server.baseUrl() + "/v1").apiKey("none").maxRetries(0).build();
    }

    @AfterAll
    static void stop() throws Exception {
        Closing.all(client == null ? null : client::close, server);
    }

    private static FunctionTool weatherTool() {
        return FunctionTool.builder().name("get_weather").strict(true).parameters(FunctionTool.Parameters.builder()
                .putAdditionalProperty("type", JsonValue.from("object"))
                .putAdditionalProperty("properties", JsonValue.from(Map.of("city", CITY, "days", DAYS)))
                .putAdditionalProperty("required", JsonValue.from(List.of("city", "days")))
                .putAdditionalProperty("additionalProperties", JsonValue.from(false)).build()).build();
    }

    private static String text(Response r) {
        StringBuilder s = new StringBuilder();
        for (ResponseOutputItem item : r.output()) {
            item.message().ifPresent(m -> m.content().forEach(c -> c.outputText().ifPresent(t -> s.append(t.text()))));
        }
        return s.toString();
    }

    @Test
    void responsesWholeAndStreamed() {
        ResponseCreateParams params = ResponseCreateParams.builder().model("agent").instructions("Tell a story.")
                .input("Once upon a time").maxOutputTokens(12L).temperature(0.0).build();
        Response whole = client.responses().create(params);
        assertThat(whole.id()).startsWith("resp_");
        assertThat(whole.status()).hasValueSatisfying(s -> assertThat(s).isIn(ResponseStatus.COMPLETED,
                ResponseStatus.INCOMPLETE));
        assertThat(text(whole)).isNotEmpty();
        assertThat(whole.usage().orElseThrow().outputTokens()).isBetween(1L, 12L);

        ResponseAccumulator acc = ResponseAccumulator.create();
        StringBuilder deltas = new StringBuilder();
        try (StreamResponse<ResponseStreamEvent> s = client.responses().createStreaming(params)) {
            s.stream().forEach(e -> {
                acc.accumulate(e);
                e.outputTextDelta().ifPresent(d -> deltas.append(d.delta()));
            });
        }
        Response streamed = acc.response();
        assertThat(text(streamed)).isEqualTo(deltas.toString()).isEqualTo(text(whole));
        assertThat(streamed.usage().orElseThrow().inputTokens()).isPositive();
    }

    @Test
    void responsesForcedCallsNamedAndRequiredStreamed() {
        Response named = client.responses().create(ResponseCreateParams.builder().model("agent").input("Weather?")
                .maxOutputTokens(300L).addTool(weatherTool())
                .toolChoice(ToolChoiceFunction.builder().name("get_weather").build()).build());
        ResponseFunctionToolCall call = named.output().getFirst().functionCall().orElseThrow();
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call.callId()).startsWith("call_");
        NodeWireSdkTest.assertWeather(call.arguments());

        ResponseAccumulator acc = ResponseAccumulator.create();
        List<String> pieces = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> s = client.responses().createStreaming(ResponseCreateParams.builder()
                .model("agent").input("Weather?").maxOutputTokens(300L).addTool(weatherTool())
                .toolChoice(ToolChoiceOptions.REQUIRED).build())) {
            s.stream().forEach(e -> {
                acc.accumulate(e);
                e.functionCallArgumentsDelta().ifPresent(d -> pieces.add(d.delta()));
            });
        }
        ResponseFunctionToolCall streamed = acc.response().output().getFirst().functionCall().orElseThrow();
        NodeWireSdkTest.assertWeather(streamed.arguments());
        assertThat(pieces).hasSizeGreaterThan(3);
        assertThat(String.join("", pieces)).isEqualTo(streamed.arguments());
    }

    private static ChatCompletionCreateParams.Builder chat() {
        FunctionParameters p = FunctionParameters.builder().putAdditionalProperty("type", JsonValue.from("object"))
                .putAdditionalProperty("properties", JsonValue.from(Map.of("city", CITY, "days", DAYS)))
                .putAdditionalProperty("required", JsonValue.from(List.of("city", "days"))).build();
        return ChatCompletionCreateParams.builder().model("agent").addUserMessage("Weather?").maxCompletionTokens(300)
                .addFunctionTool(FunctionDefinition.builder().name("get_weather").parameters(p).build());
    }

    @Test
    void chatCompletionsForcedCallsNamedAndRequiredWholeAndStreamed() {
        ChatCompletionNamedToolChoice named = ChatCompletionNamedToolChoice.builder()
                .function(ChatCompletionNamedToolChoice.Function.builder().name("get_weather").build()).build();
        for (ChatCompletionCreateParams params : List.of(chat().toolChoice(named).build(),
                chat().toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED).build())) {
            ChatCompletion whole = client.chat().completions().create(params);
            assertThat(whole.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
            ChatCompletionMessageFunctionToolCall call = whole.choices().getFirst().message().toolCalls()
                    .orElseThrow().getFirst().asFunction();
            assertThat(call.function().name()).isEqualTo("get_weather");
            NodeWireSdkTest.assertWeather(call.function().arguments());

            ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
            List<ChatCompletionChunk.Choice.Delta.ToolCall> pieces = new ArrayList<>();
            try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(params)) {
                s.stream().forEach(ch -> {
                    acc.accumulate(ch);
                    ch.choices().forEach(c -> pieces.addAll(c.delta().toolCalls().orElse(List.of())));
                });
            }
            ChatCompletion streamed = acc.chatCompletion();
            String args = streamed.choices().getFirst().message().toolCalls().orElseThrow().getFirst().asFunction()
                    .function().arguments();
            NodeWireSdkTest.assertWeather(args);
            assertThat(pieces.getFirst().function().orElseThrow().name()).hasValue("get_weather");
            assertThat(pieces).hasSizeGreaterThan(4);
        }
    }

    private static ToolSpecification weatherSpec() {
        return ToolSpecification.builder().name("get_weather").description("weather in a city")
                .parameters(JsonObjectSchema.builder().addEnumProperty("city", List.of("Paris", "Rome", "Oslo"))
                        .required("city").additionalProperties(false).build()).build();
    }

    private static void assertCity(ToolExecutionRequest call) {
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call.arguments()).isIn("{\"city\":\"Paris\"}", "{\"city\":\"Rome\"}", "{\"city\":\"Oslo\"}");
    }

    @Test
    void langChain4jRequiredToolChoiceWholeAndStreamed() throws Exception {
        ChatRequest request = ChatRequest.builder().messages(UserMessage.from("Weather?"))
                .toolSpecifications(weatherSpec()).toolChoice(ToolChoice.REQUIRED).build();
        OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(server.baseUrl() + "/v1").apiKey("none")
                .modelName("agent").maxTokens(300).maxRetries(0).build();
        ChatResponse whole = model.chat(request);
        assertThat(whole.aiMessage().toolExecutionRequests()).hasSize(1);
        assertCity(whole.aiMessage().toolExecutionRequests().getFirst());

        OpenAiStreamingChatModel streaming = OpenAiStreamingChatModel.builder().baseUrl(server.baseUrl() + "/v1")
                .apiKey("none").modelName("agent").maxTokens(300).build();
        ChatResponse streamed = StreamedChat.of(streaming, request, 120);
        assertThat(streamed.aiMessage().toolExecutionRequests()).hasSize(1);
        assertCity(streamed.aiMessage().toolExecutionRequests().getFirst());
    }
}

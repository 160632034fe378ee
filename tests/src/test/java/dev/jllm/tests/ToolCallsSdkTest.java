package dev.jllm.tests;

import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import dev.jllm.server.config.ModelSpec;
import dev.jllm.tests.support.ScriptedToolModel;
import dev.jllm.tests.support.TestServer;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.jllm.tests.support.OpenAiSdk;
import dev.jllm.tests.support.Closeables;
import dev.jllm.server.config.ModelSpec;
import dev.jllm.tests.support.ScriptedToolModel;
import dev.jllm.tests.support.StreamedChat;
import dev.jllm.tests.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tool calls through the server to the official OpenAI Java SDK and LangChain4j: a model that calls tools
 * (scripted: see {@link ScriptedToolModel}; its output goes through the engine's real parser) behind a Qwen 2.5
 * template given with {@code --chat-template-file}. Calls come back parsed, whole and streamed; the calls and the
 * tool's answer go back through the template in the next turn.
 */
class ToolCallsSdkTest {

    static final String ALIAS = "agent";
    private static TestServer server;
    private static OpenAIClient client;

    static Path template() {
        try {
            return Path.of(ToolCallsSdkTest.class.getResource("/templates/qwen2.5-tools.jinja").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeAll
    static void start() {
        server = TestServer.start(c -> c.withModels(List.of(new ModelSpec("scripted-qwen", ALIAS, null,
                template().toString()))), List.of(new ScriptedToolModel()));
        client = OpenAiSdk.client(server.baseUrl(), null);
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(OpenAiSdk.closing(client), server);
    }

    private static FunctionDefinition function(String name, boolean city) {
        FunctionParameters.Builder p = FunctionParameters.builder().putAdditionalProperty("type", JsonValue.from("object"));
        if (city) {
            p.putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))));
        }
        return FunctionDefinition.builder().name(name).description(name + " tool").parameters(p.build()).build();
    }

    private static ChatCompletionCreateParams.Builder weatherAndTime() {
        return ChatCompletionCreateParams.builder().model(ALIAS).addUserMessage("Weather and time in Paris?")
                .addFunctionTool(function("get_weather", true)).addFunctionTool(function("get_time", false));
    }

    @Test
    void wholeAnswerHasParsedParallelCallsAndTheNextTurnRendersThemBack() {
        ChatCompletion c = client.chat().completions().create(weatherAndTime().build());
        assertThat(c.model()).isEqualTo(ALIAS);
        ChatCompletion.Choice choice = c.choices().getFirst();
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        ChatCompletionMessage message = choice.message();
        assertThat(message.content()).isEmpty();
        List<ChatCompletionMessageFunctionToolCall> calls = message.toolCalls().orElseThrow().stream()
                .map(t -> t.asFunction()).toList();
        assertThat(calls).extracting(t -> t.function().name()).containsExactly("get_weather", "get_time");
        assertThat(calls.get(0).function().arguments()).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(calls.get(1).function().arguments()).isEqualTo("{}");
        assertThat(calls.get(0).id()).startsWith("call_").isNotEqualTo(calls.get(1).id());

        ChatCompletion answer = client.chat().completions().create(weatherAndTime()
                .addMessage(message)
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(calls.get(0).id()).content("21 C").build())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(calls.get(1).id()).content("noon").build())
                .build());
        assertThat(answer.choices().getFirst().message().content()).hasValue("The tool said: noon");
        assertThat(answer.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        // the template rendered the calls and both answers as Qwen 2.5 expects them
        assertThat(ScriptedToolModel.lastPrompt())
                .contains("<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>")
                .contains("<tool_response>\n21 C\n</tool_response>\n<tool_response>\nnoon\n</tool_response>")
                .contains("\"name\": \"get_time\"");
    }

    @Test
    void streamedCallsArriveAsOpenAiDeltasAndAccumulate() {
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(weatherAndTime().build())) {
            s.stream().forEach(ch -> {
                chunks.add(ch);
                acc.accumulate(ch);
            });
        }
        assertThat(chunks).allSatisfy(ch -> assertThat(ch.model()).isEqualTo(ALIAS));
        // the first delta of a call names it (arguments ""); its arguments follow in pieces as the model writes them
        List<ChatCompletionChunk.Choice.Delta.ToolCall> pieces = chunks.stream()
                .flatMap(ch -> ch.choices().stream())
                .flatMap(ch -> ch.delta().toolCalls().orElse(List.of()).stream()).toList();
        assertThat(pieces.get(0).index()).isZero();
        assertThat(pieces.get(0).id()).isPresent();
        assertThat(pieces.get(0).function().orElseThrow().name()).hasValue("get_weather");
        assertThat(pieces.get(0).function().orElseThrow().arguments()).hasValue("");
        List<ChatCompletionChunk.Choice.Delta.ToolCall> first = pieces.stream().filter(p -> p.index() == 0).toList();
        assertThat(first.subList(1, first.size())).hasSizeGreaterThan(2)
                .allSatisfy(p -> assertThat(p.id()).isEmpty());
        assertThat(String.join("", first.stream().map(p -> p.function().orElseThrow().arguments().orElse(""))
                .toList())).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(pieces.getLast().index()).isEqualTo(1);

        ChatCompletion whole = acc.chatCompletion();
        assertThat(whole.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        assertThat(whole.choices().getFirst().message().toolCalls().orElseThrow())
                .extracting(t -> t.asFunction().function().name()).containsExactly("get_weather", "get_time");
    }

    @Test
    void parallelToolCallsFalseAndToolChoiceNone() {
        ChatCompletion one = client.chat().completions().create(weatherAndTime().parallelToolCalls(false).build());
        assertThat(one.choices().getFirst().message().toolCalls().orElseThrow()).hasSize(1);
        ChatCompletion none = client.chat().completions().create(weatherAndTime()
                .toolChoice(com.openai.models.chat.completions.ChatCompletionToolChoiceOption.Auto.NONE).build());
        assertThat(none.choices().getFirst().message().content()).hasValue(ScriptedToolModel.PLAIN);
        assertThat(none.choices().getFirst().message().toolCalls()).isEmpty();
        assertThat(ScriptedToolModel.lastPrompt()).doesNotContain("get_weather");
    }

    private static ToolSpecification weatherTool() {
        return ToolSpecification.builder().name("get_weather").description("weather in a city")
                .parameters(JsonObjectSchema.builder().addStringProperty("city").required("city").build()).build();
    }

    @Test
    void langChain4jGetsToolExecutionRequestsAndAnswers() {
        OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(server.baseUrl() + "/v1").apiKey("none")
                .modelName(ALIAS).maxRetries(0).build();
        UserMessage question = UserMessage.from("Weather in Paris?");
        ChatResponse first = model.chat(ChatRequest.builder().messages(question).toolSpecifications(weatherTool()).build());
        AiMessage ai = first.aiMessage();
        assertThat(ai.hasToolExecutionRequests()).isTrue();
        ToolExecutionRequest call = ai.toolExecutionRequests().getFirst();
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call.arguments()).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(first.metadata().modelName()).isEqualTo(ALIAS);

        ChatResponse second = model.chat(ChatRequest.builder().messages(question, ai,
                ToolExecutionResultMessage.from(call, "sunny")).toolSpecifications(weatherTool()).build());
        assertThat(second.aiMessage().text()).isEqualTo("The tool said: sunny");
    }

    @Test
    void langChain4jStreamingRebuildsTheCalls() throws Exception {
        OpenAiStreamingChatModel model = OpenAiStreamingChatModel.builder().baseUrl(server.baseUrl() + "/v1")
                .apiKey("none").modelName(ALIAS).build();
        AiMessage ai = StreamedChat.of(model, ChatRequest.builder().messages(UserMessage.from("Weather in Paris?"))
                .toolSpecifications(weatherTool()).build(), 30).aiMessage();
        assertThat(ai.toolExecutionRequests()).singleElement().satisfies(r -> {
            assertThat(r.name()).isEqualTo("get_weather");
            assertThat(r.arguments()).isEqualTo("{\"city\":\"Paris\"}");
            assertThat(r.id()).startsWith("call_");
        });
    }
}

package dev.jllm.langchain4j;

import dev.jllm.api.LlmException;
import dev.jllm.api.LocalConfig;
import dev.jllm.api.json.Json;
import dev.jllm.langchain4j.testing.StreamedResponse;
import dev.jllm.models.testing.TestData;
import dev.jllm.providers.LlmServiceMain;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialToolCall;
import dev.langchain4j.model.output.FinishReason;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tool specifications and JSON output through LangChain4j on stories260K with a tool-capable (Hermes-style)
 * template: a required tool choice is enforced by constrained decoding, so the 260K story model makes a valid
 * call whatever its weights; the call comes back as LangChain4j's tool execution request (whole and streamed) and
 * its result goes back through the template in the next turn. JSON schema output parses and fits the schema.
 */
@Timeout(180)
class JllmLangChain4jToolsTest {

    @TempDir
    static Path home;
    static LlmServiceMain service;
    static String model;

    static final ToolSpecification WEATHER = ToolSpecification.builder().name("get_weather")
            .description("The weather in a city")
            // Enums keep a forced call short: a story model would otherwise write a long (valid) city name.
            .parameters(JsonObjectSchema.builder().addEnumProperty("city", List.of("Paris", "Rome", "Oslo"))
                    .addEnumProperty("unit", List.of("C", "F")).required("city", "unit").build())
            .build();

    @BeforeAll
    static void start() throws Exception {
        model = TestData.stories260k().toString();
        Path template = home.resolve("hermes-tools.jinja");
        try (var in = JllmLangChain4jToolsTest.class.getResourceAsStream("/hermes-tools.jinja")) {
            Files.copy(in, template);
        }
        service = new LlmServiceMain(home);
        service.create("tools", LocalConfig.of(model).withThreads(1)
                .withOption("chat_template_file", template.toString()));
        service.create("plain", LocalConfig.of(model).withThreads(1));
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(String text) {
        return Json.fromJson(text, Map.class);
    }

    private static JllmChatModel chat(String instance) {
        return JllmChatModel.builder().service(service, instance).modelName(model).maxOutputTokens(300).seed(7L)
                .build();
    }

    @Test
    void aRequiredToolChoiceGivesAValidCall() {
        ChatResponse r = chat("tools").chat(ChatRequest.builder().messages(UserMessage.from("Weather in Paris?"))
                .toolSpecifications(WEATHER).toolChoice(ToolChoice.REQUIRED).build());
        assertThat(r.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
        assertThat(r.aiMessage().hasToolExecutionRequests()).isTrue();
        ToolExecutionRequest call = r.aiMessage().toolExecutionRequests().getFirst();
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call.id()).isNotBlank();
        Map<String, Object> args = json(call.arguments());
        assertThat(args.keySet()).containsExactlyInAnyOrder("city", "unit");
        assertThat(args.get("city")).isIn("Paris", "Rome", "Oslo");
        assertThat(args.get("unit")).isIn("C", "F");

        // The result goes back through the template; the model answers in text (tools offered, choice auto).
        ChatResponse next = chat("tools").chat(ChatRequest.builder().messages(UserMessage.from("Weather in Paris?"),
                        AiMessage.from(call), ToolExecutionResultMessage.from(call, "sunny, 21 C"))
                .toolSpecifications(WEATHER).toolChoice(ToolChoice.NONE).build());
        assertThat(next.aiMessage().hasToolExecutionRequests()).isFalse();
        // The call and its result were rendered into the prompt: it is longer than the question alone.
        ChatResponse questionOnly = chat("tools").chat(ChatRequest.builder()
                .messages(UserMessage.from("Weather in Paris?")).toolSpecifications(WEATHER)
                .toolChoice(ToolChoice.NONE).maxOutputTokens(1).build());
        assertThat(next.tokenUsage().inputTokenCount()).isGreaterThan(questionOnly.tokenUsage().inputTokenCount());
    }

    @Test
    void aStreamedCallArrivesInPiecesThenWhole() throws Exception {
        JllmStreamingChatModel s = JllmStreamingChatModel.builder().service(service, "tools").modelName(model)
                .maxOutputTokens(300).seed(7L).build();
        StreamedResponse streamed = new StreamedResponse();
        s.chat(ChatRequest.builder().messages(UserMessage.from("Weather in Paris?")).toolSpecifications(WEATHER)
                .toolChoice(ToolChoice.REQUIRED).build(), streamed);
        ChatResponse r = streamed.await(Duration.ofMinutes(2));
        List<PartialToolCall> partials = streamed.partialToolCalls();
        List<CompleteToolCall> completes = streamed.completeToolCalls();
        assertThat(partials).isNotEmpty();
        assertThat(partials.getFirst().name()).isEqualTo("get_weather");
        assertThat(completes).hasSize(1);
        ToolExecutionRequest whole = completes.getFirst().toolExecutionRequest();
        StringBuilder args = new StringBuilder();
        partials.forEach(p -> args.append(p.partialArguments()));
        assertThat(args.toString()).isEqualTo(whole.arguments());
        assertThat(r.aiMessage().toolExecutionRequests()).containsExactly(whole);
        assertThat(r.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
    }

    @Test
    void aTemplateWithoutToolsRefusesThemByName() {
        assertThatThrownBy(() -> chat("plain").chat(ChatRequest.builder().messages(UserMessage.from("hi"))
                .toolSpecifications(WEATHER).build())).isInstanceOf(LlmException.class).hasMessageContaining("tools");
    }

    @Test
    void jsonSchemaOutputParsesAndFits() {
        JsonSchema schema = JsonSchema.builder().name("story").rootElement(JsonObjectSchema.builder()
                .addStringProperty("title").addIntegerProperty("pages").required("title", "pages").build()).build();
        ChatResponse r = chat("plain").chat(ChatRequest.builder().messages(UserMessage.from("A story as JSON"))
                .responseFormat(ResponseFormat.builder().type(ResponseFormatType.JSON).jsonSchema(schema).build())
                .maxOutputTokens(200).build());
        Map<String, Object> json = json(r.aiMessage().text());
        assertThat(json.keySet()).containsExactlyInAnyOrder("title", "pages");
        assertThat(json.get("pages")).isInstanceOf(Number.class);
        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
    }
}

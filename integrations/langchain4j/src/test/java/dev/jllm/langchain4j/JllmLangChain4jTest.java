package dev.jllm.langchain4j;

import dev.jllm.api.LlmException;
import dev.jllm.api.ProgressEvent;
import dev.jllm.api.SharedModels;
import dev.jllm.models.testing.TestData;
import dev.jllm.langchain4j.testing.StreamedResponse;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The LangChain4j models in-process on the real stories260K model, through the cases of LangChain4j's own
 * abstract chat-model tests that a 260K-parameter story model can meet (its answers are not knowledge): text,
 * usage, finish reasons, max tokens, stop sequences, streaming equal to whole, cancellation, raw completion,
 * refusals of what cannot be honoured, and one load for two frameworks' models.
 */
@Timeout(120)
class JllmLangChain4jTest {

    static Path model;

    @BeforeAll
    static void home() {
        model = TestData.stories260k();
        // The shared service's state (its current model, the store it lists) stays in the build directory.
        System.setProperty("jllm.home", Path.of("target", "jllm-home").toAbsolutePath().toString());
    }

    private static JllmChatModel chat() {
        return JllmChatModel.builder().model(model.toString()).threads(1).temperature(0.0).maxOutputTokens(24)
                .build();
    }

    @Test
    void chatAnswersWithUsageAndFinishReason() {
        JllmChatModel m = chat();
        ChatResponse r = m.chat(ChatRequest.builder().messages(SystemMessage.from("You tell stories."),
                UserMessage.from("Once upon a time")).build());
        assertThat(r.aiMessage().text()).isNotBlank();
        assertThat(r.aiMessage().hasToolExecutionRequests()).isFalse();
        assertThat(r.tokenUsage().inputTokenCount()).isPositive();
        assertThat(r.tokenUsage().outputTokenCount()).isPositive();
        assertThat(r.tokenUsage().totalTokenCount())
                .isEqualTo(r.tokenUsage().inputTokenCount() + r.tokenUsage().outputTokenCount());
        assertThat(r.finishReason()).isIn(FinishReason.STOP, FinishReason.LENGTH);
        assertThat(r.modelName()).isEqualTo(model.toString());
    }

    @Test
    void maxOutputTokensEndsWithLength() {
        ChatResponse r = chat().chat(ChatRequest.builder().messages(UserMessage.from("Once upon a time"))
                .maxOutputTokens(3).build());
        assertThat(r.tokenUsage().outputTokenCount()).isEqualTo(3);
        assertThat(r.finishReason()).isEqualTo(FinishReason.LENGTH);
    }

    @Test
    void stopSequencesEndTheAnswerBeforeThem() {
        JllmChatModel m = chat();
        String whole = m.chat(ChatRequest.builder().messages(UserMessage.from("Once upon a time")).build())
                .aiMessage().text();
        String word = whole.strip().split("\\s+")[Math.min(2, whole.strip().split("\\s+").length - 1)];
        ChatResponse cut = m.chat(ChatRequest.builder().messages(UserMessage.from("Once upon a time"))
                .stopSequences(List.of(word)).build());
        assertThat(cut.aiMessage().text()).doesNotContain(word);
        assertThat(whole).startsWith(cut.aiMessage().text());
        assertThat(cut.finishReason()).isEqualTo(FinishReason.STOP);
    }

    @Test
    void streamingGivesThePiecesOfTheWholeAnswer() throws Exception {
        String whole = chat().chat("Once upon a time");
        JllmStreamingChatModel s = JllmStreamingChatModel.builder().model(model.toString()).threads(1)
                .temperature(0.0).maxOutputTokens(24).build();
        StreamedResponse streamed = new StreamedResponse();
        s.chat("Once upon a time", streamed);
        ChatResponse r = streamed.await(Duration.ofMinutes(1));
        List<String> pieces = streamed.pieces();
        assertThat(pieces.size()).isGreaterThan(1);
        assertThat(String.join("", pieces)).isEqualTo(whole);
        assertThat(r.aiMessage().text()).isEqualTo(whole);
        assertThat(r.tokenUsage()).isNotNull();
    }

    @Test
    void theStreamingHandleCancelsTheGeneration() throws Exception {
        JllmStreamingChatModel s = JllmStreamingChatModel.builder().model(model.toString()).threads(1)
                .temperature(0.0).maxOutputTokens(200).build();
        CompletableFuture<Void> cancelled = new CompletableFuture<>();
        StreamedResponse streamed = new StreamedResponse() {
            @Override
            public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
                onPartialResponse(partial.text());
                if (pieces().size() == 3) {
                    context.streamingHandle().cancel();
                    cancelled.complete(null);
                }
            }
        };
        s.chat("Once upon a time", streamed);
        cancelled.get(60, TimeUnit.SECONDS);
        Thread.sleep(300);
        assertThat(streamed.pieces()).hasSize(3);
        assertThat(streamed.finished()).isFalse();
        String instance = s.handle().instance();
        assertThat(s.handle().service().info(instance).details().get("active_sequences")).isEqualTo("0");
    }

    @Test
    void rawCompletionContinuesThePrompt() {
        JllmLanguageModel lm = JllmLanguageModel.builder().model(model.toString()).threads(1).temperature(0.0)
                .maxOutputTokens(16).build();
        Response<String> r = lm.generate("Once upon a time");
        assertThat(r.content()).isNotBlank();
        assertThat(r.tokenUsage().outputTokenCount()).isEqualTo(16);
        assertThat(r.finishReason()).isEqualTo(FinishReason.LENGTH);
    }

    @Test
    void embeddingsAreNormalizedVectorsOfTheModelsWidth() {
        JllmEmbeddingModel e = JllmEmbeddingModel.builder().model(model.toString()).threads(1).build();
        var r = e.embedAll(List.of(dev.langchain4j.data.segment.TextSegment.from("Once upon a time"),
                dev.langchain4j.data.segment.TextSegment.from("Lily went to the park with her mom.")));
        assertThat(r.content()).hasSize(2);
        assertThat(e.dimension()).isEqualTo(64); // stories260K's width
        for (var v : r.content()) {
            assertThat(v.dimension()).isEqualTo(64);
            double norm = 0;
            for (float x : v.vector()) {
                norm += x * x;
            }
            assertThat(Math.sqrt(norm)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        }
        assertThat(r.tokenUsage().inputTokenCount()).isPositive();
        // The same text embeds to the same vector: batch and alone agree.
        assertThat(e.embed("Once upon a time").content().vector()).containsExactly(r.content().get(0).vector());
        assertThat(e.handle()).isEqualTo(chat().handle());
    }

    @Test
    void twoModelsOfOneReferenceShareOneLoadedModel() {
        List<ProgressEvent> progress = new CopyOnWriteArrayList<>();
        JllmChatModel a = JllmChatModel.builder().model(model.toString()).threads(1).onProgress(progress::add)
                .build();
        JllmStreamingChatModel b = JllmStreamingChatModel.builder().model(model.toString()).threads(1).build();
        assertThat(a.handle()).isEqualTo(b.handle());
        assertThat(a.handle().service()).isSameAs(SharedModels.service());
        assertThat(SharedModels.service().info(a.handle().instance()).loadedModels()).containsExactly(
                model.toString());
        assertThat(progress).isNotEmpty();
    }

    @Test
    void whatCannotBeHonouredIsRefusedByName() {
        JllmChatModel m = chat();
        assertThatThrownBy(() -> m.chat(ChatRequest.builder().messages(UserMessage.from("hi")).modelName("other")
                .build())).isInstanceOf(LlmException.class).hasMessageContaining("'other'");
        assertThatThrownBy(() -> m.chat(ChatRequest.builder().messages(UserMessage.from(
                dev.langchain4j.data.message.ImageContent.from("http://example.invalid/cat.png"))).build()))
                .isInstanceOf(LlmException.class).hasMessageContaining("text only");
        assertThatThrownBy(() -> JllmChatModel.builder().build()).isInstanceOf(LlmException.class)
                .hasMessageContaining("a model is required");
    }
}

package dev.jllm.runtime.engine;

import dev.jllm.api.ChatCompletionStream;
import dev.jllm.api.LlmException;
import dev.jllm.api.LocalConfig;
import dev.jllm.api.ProgressEvent;
import dev.jllm.api.openai.ChatCompletion;
import dev.jllm.api.openai.ChatCompletionChunk;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.ChatMessage;
import dev.jllm.api.openai.ContentPart;
import dev.jllm.models.testing.TestData;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The local instance type reached as users reach it: through the main-mode service and the provider SPI. */
class LocalLlmTest extends StoriesServiceFixture {


    private ChatCompletionRequest.Builder request(String text) {
        return ChatCompletionRequest.builder().model(model).temperature(0.0).maxTokens(40)
                .messages(ChatMessage.user(text));
    }

    @Test
    void wholeAndStreamedCompletionsAgreeAtTemperatureZero() {
        ChatCompletion whole = service.chatCompletion(request("Tell me a story").build());
        assertThat(whole.object()).isEqualTo("chat.completion");
        assertThat(whole.model()).isEqualTo(model);
        assertThat(whole.choices()).hasSize(1);
        assertThat(whole.text()).isNotBlank();
        assertThat(whole.choices().getFirst().finishReason()).isIn("stop", "length");
        assertThat(whole.usage().promptTokens()).isPositive();
        assertThat(whole.usage().completionTokens()).isBetween(1, 40);

        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (ChatCompletionStream s = service.chatCompletionStream(request("Tell me a story")
                .streamOptions(new dev.jllm.api.openai.StreamOptions(true)).build())) {
            s.forEach(chunks::add);
        }
        assertThat(chunks.getFirst().choices().getFirst().delta().role()).isEqualTo("assistant");
        assertThat(chunks).extracting(ChatCompletionChunk::id).containsOnly(chunks.getFirst().id());
        StringBuilder text = new StringBuilder();
        chunks.forEach(c -> text.append(c.text()));
        assertThat(text.toString()).isEqualTo(whole.text());
        ChatCompletionChunk finish = chunks.get(chunks.size() - 2);
        assertThat(finish.choices().getFirst().finishReason()).isEqualTo(whole.choices().getFirst().finishReason());
        ChatCompletionChunk usage = chunks.getLast();
        assertThat(usage.choices()).isEmpty();
        assertThat(usage.usage().promptTokens()).isEqualTo(whole.usage().promptTokens());
        assertThat(usage.usage().completionTokens()).isEqualTo(whole.usage().completionTokens());
        // the same prompt again: all but its last token come from the prefix cache
        assertThat(whole.usage().promptTokensDetails().cachedTokens()).isZero();
        assertThat(usage.usage().promptTokensDetails().cachedTokens()).isEqualTo(whole.usage().promptTokens() - 1);
    }

    @Test
    void closingAStreamEarlyCancelsAndTheModelServesTheNextRequest() {
        try (ChatCompletionStream s = service.chatCompletionStream(request("Hi").maxTokens(1000).build())) {
            Iterator<ChatCompletionChunk> it = s.iterator();
            it.next();
            it.next();
        }
        assertThat(service.chatCompletion(request("Hi").maxTokens(5).build()).usage().completionTokens()).isPositive();
    }

    @Test
    void requestFieldsTheEngineCannotHonourAreRefusedByName() {
        assertThatThrownBy(() -> service.chatCompletion(request("x").n(1000).build()))
                .isInstanceOf(LlmException.class).hasMessageContaining("'n'");
        assertThatThrownBy(() -> service.chatCompletion(request("x").temperature(3.0).build()))
                .hasMessageContaining("'temperature'");
        assertThatThrownBy(() -> service.chatCompletion(request("x").logitBias(java.util.Map.of("99999", 1.0)).build()))
                .hasMessageContaining("'logit_bias'");
        assertThatThrownBy(() -> service.chatCompletion(ChatCompletionRequest.builder().model(model)
                .messages(ChatMessage.user(List.of(ContentPart.image("http://x/y.png")))).build()))
                .hasMessageContaining("image_url");
        assertThatThrownBy(() -> service.chatCompletion(request("x").model("no-such-model").build()))
                .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.kind()).isEqualTo(LlmException.Kind.NOT_FOUND));
    }

    @Test
    void aConversationLongerThanTheContextIsAContextLengthError() {
        service.create("tiny", LocalConfig.of(model).withContextSize(32));
        String longText = "Once upon a time there was a little girl. ".repeat(20);
        assertThatThrownBy(() -> service.chatCompletion("tiny", request(longText).build()))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.kind()).isEqualTo(LlmException.Kind.CONTEXT_LENGTH_EXCEEDED);
                    assertThat(e.httpStatus()).isEqualTo(400);
                })
                .hasMessageContaining("context");
    }

    @Test
    void logprobsComeWithEachToken() {
        ChatCompletion c = service.chatCompletion(request("Hi").maxTokens(5).logprobs(true).topLogprobs(3).build());
        var lps = c.choices().getFirst().logprobs().content();
        assertThat(lps).hasSize(c.usage().completionTokens());
        assertThat(lps.getFirst().topLogprobs()).hasSize(3);
        // Greedy: the chosen token is the most likely one.
        assertThat(lps.getFirst().logprob()).isEqualTo(lps.getFirst().topLogprobs().getFirst().logprob());
        assertThat(lps.getFirst().logprob()).isNegative();
    }

    @Test
    void serveUnloadAndModelsReflectWhatIsLoaded() {
        service.create("e", LocalConfig.defaults());
        assertThat(service.isReady("e")).isFalse();
        List<ProgressEvent> events = new CopyOnWriteArrayList<>();
        service.serve("e", model, events::add);
        assertThat(events).extracting(ProgressEvent::stage).contains("loading", "ready");
        assertThat(service.isReady("e")).isTrue();
        assertThat(service.models("e")).extracting(m -> m.id()).containsExactly(model);
        assertThat(service.info("e").loadedModels()).containsExactly(model);
        service.unload("e", model);
        assertThat(service.models("e")).isEmpty();
        assertThatThrownBy(() -> service.unload("e", model)).isInstanceOf(LlmException.class);
        assertThatThrownBy(() -> service.serve("e", home.resolve("missing.gguf").toString(), e -> { }))
                .isInstanceOf(LlmException.class).hasMessageContaining("missing.gguf");
    }

    @Test
    void concurrentRequestsAllComplete() throws Exception {
        List<Thread> threads = new ArrayList<>();
        List<String> texts = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 4; i++) {
            threads.add(Thread.ofVirtual().start(() -> texts.add(service.chatCompletion(request("Tell me a story").build()).text())));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(texts).hasSize(4);
        assertThat(texts).containsOnly(texts.getFirst());
    }

    @Test
    void aRawCompletionIsContinuedWithoutTheChatTemplate() {
        ChatCompletion c = service.complete("s", dev.jllm.api.openai.CompletionRequest.of("Once upon a time",
                ChatCompletionRequest.builder().model(model).temperature(0.0).maxTokens(12).build()));
        // llama.cpp's greedy continuation of this prompt (the first line of golden.jsonl) begins so.
        String golden;
        try {
            golden = java.nio.file.Files.readAllLines(TestData.require("stories260K/golden.jsonl")).getFirst();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertThat(golden).contains("\"prompt\":\"Once upon a time\"");
        assertThat(c.text()).hasSizeGreaterThan(20);
        assertThat(golden).contains("\"generated_text\":\"" + c.text());
        assertThat(c.usage().completionTokens()).isEqualTo(12);
        assertThat(c.usage().promptTokens()).isEqualTo(5);
        assertThat(service.info("s").details()).containsEntry("raw_prompt", "true");
    }

    @Test
    void theNextTurnOfAChatReusesTheCachedConversation() {
        ChatCompletionRequest first = request("Tell me a story about a cat").maxTokens(30).build();
        ChatCompletion answer = service.chatCompletion(first);
        assertThat(answer.usage().promptTokensDetails().cachedTokens()).isZero();
        ChatCompletion second = service.chatCompletion(ChatCompletionRequest.builder().model(model).temperature(0.0)
                .maxTokens(10).messages(ChatMessage.user("Tell me a story about a cat"),
                        ChatMessage.assistant(answer.text()), ChatMessage.user("And then?")).build());
        int cached = second.usage().promptTokensDetails().cachedTokens();
        // at least the whole first prompt (minus the template's tail) came from the cache
        assertThat(cached).isGreaterThanOrEqualTo(answer.usage().promptTokens() - 2)
                .isLessThan(second.usage().promptTokens());
    }

    @Test
    void sixteenConcurrentClientsOnFourSlotsAllComplete() throws Exception {
        service.create("four", LocalConfig.of(model).withThreads(2).withParallel(4));
        List<Thread> threads = new ArrayList<>();
        List<ChatCompletion> answers = new CopyOnWriteArrayList<>();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 16; i++) {
            String text = "Tell me story number " + i;
            threads.add(Thread.ofVirtual().start(() -> {
                try (ChatCompletionStream s = service.chatCompletionStream("four", request(text).maxTokens(20)
                        .streamOptions(new dev.jllm.api.openai.StreamOptions(true)).build())) {
                    answers.add(s.collect());
                } catch (Throwable t) {
                    errors.add(t);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(errors).isEmpty();
        assertThat(answers).hasSize(16).allSatisfy(a -> assertThat(a.usage().completionTokens()).isPositive());
        // the same answers as one at a time
        ChatCompletion alone = service.chatCompletion("four", request("Tell me story number 7").maxTokens(20).build());
        assertThat(answers).extracting(ChatCompletion::text).contains(alone.text());
    }

    @Test
    void beyondTheQueueRequestsAreRateLimited() throws Exception {
        service.create("one", LocalConfig.of(model).withThreads(2).withParallel(1).withOption("max_queue", "0"));
        try (ChatCompletionStream running = service.chatCompletionStream("one", request("Hi").maxTokens(1000).build())) {
            running.iterator().next();
            assertThatThrownBy(() -> service.chatCompletionStream("one", request("Hi").build()))
                    .isInstanceOfSatisfying(LlmException.class, e -> {
                        assertThat(e.kind()).isEqualTo(LlmException.Kind.RATE_LIMITED);
                        assertThat(e.httpStatus()).isEqualTo(429);
                    })
                    .hasMessageContaining("retry");
        }
        // closing the stream freed the slot
        assertThat(service.chatCompletion("one", request("Hi").maxTokens(3).build()).usage().completionTokens()).isPositive();
    }

    @Test
    void unknownEngineOptionsAreRefusedAndKnownOnesShowInInfo() {
        assertThatThrownBy(() -> service.create("bad", LocalConfig.of(model).withOption("kvmemory", "1g")))
                .isInstanceOf(LlmException.class).hasMessageContaining("kvmemory").hasMessageContaining("kv_memory");
        service.create("budget", LocalConfig.of(model).withOption("kv_memory", "64m"));
        assertThat(service.info("budget").details()).containsEntry("kv_memory", Long.toString(64L << 20))
                .containsEntry("parallel", "4").containsEntry("max_queue", "16").containsEntry("kv_type", "f16");
        service.create("exact", LocalConfig.of(model).withKvType("f32"));
        assertThat(service.info("exact").details()).containsEntry("kv_type", "f32");
        assertThatThrownBy(() -> service.create("bad", LocalConfig.of(model).withKvType("int4")))
                .isInstanceOf(LlmException.class).hasMessageContaining("kv_type 'int4'");
    }

    @Test
    void interruptingAWaitingCallerCancelsItsGenerationAndFreesTheSlot() throws Exception {
        service.create("one", LocalConfig.of(model).withThreads(2).withParallel(1).withOption("max_queue", "0"));
        List<Throwable> thrown = new CopyOnWriteArrayList<>();
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                service.chatCompletion("one", request("Hi").maxTokens(100_000).build());
            } catch (Throwable t) {
                thrown.add(t);
            }
        });
        // wait until it holds the only slot
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!service.info("one").details().get("active_sequences").equals("1")) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(10);
        }
        assertThatThrownBy(() -> service.chatCompletion("one", request("Hi").maxTokens(1).build()))
                .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.kind()).isEqualTo(LlmException.Kind.RATE_LIMITED));
        caller.interrupt();
        caller.join(10_000);
        assertThat(thrown).singleElement().isInstanceOfSatisfying(LlmException.class,
                e -> assertThat(e.kind()).isEqualTo(LlmException.Kind.CANCELLED));
        assertThat(service.chatCompletion("one", request("Hi").maxTokens(3).build()).usage().completionTokens()).isPositive();
    }

    @Test
    void nChoicesShareOnePromptAndStreamSideBySide() {
        ChatCompletion whole = service.chatCompletion(request("Tell me a story").n(2).maxTokens(12).build());
        assertThat(whole.choices()).extracting(c -> c.index()).containsExactly(0, 1);
        // greedy: both choices are the same continuation of the one prompt
        assertThat(whole.choices().get(1).message().text()).isEqualTo(whole.choices().get(0).message().text());
        int one = service.chatCompletion(request("Tell me a story").maxTokens(12).build()).usage().completionTokens();
        assertThat(whole.usage().completionTokens()).isEqualTo(2 * one);

        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (ChatCompletionStream s = service.chatCompletionStream(request("Tell me a story").n(2).maxTokens(12)
                .streamOptions(new dev.jllm.api.openai.StreamOptions(true)).build())) {
            s.forEach(chunks::add);
        }
        dev.jllm.api.ChatCompletionAccumulator acc = new dev.jllm.api.ChatCompletionAccumulator();
        chunks.forEach(acc::add);
        ChatCompletion streamed = acc.result();
        assertThat(streamed.choices()).hasSize(2);
        assertThat(streamed.choices()).allSatisfy(c -> {
            assertThat(c.message().text()).isEqualTo(whole.choices().get(0).message().text());
            assertThat(c.finishReason()).isEqualTo(whole.choices().get(0).finishReason());
        });
        assertThat(chunks.getLast().choices()).isEmpty();
        assertThat(chunks.getLast().usage().completionTokens()).isEqualTo(2 * one);
    }

    @Test
    void toolsForATemplateThatCannotCarryThemAreRefusedByName() {
        // stories260K has no chat template: its generic fallback does not show tools to the model
        dev.jllm.api.openai.Tool tool = dev.jllm.api.openai.Tool.function(dev.jllm.api.openai.FunctionDefinition.of(
                "get_weather", "weather", java.util.Map.of("type", "object")));
        assertThatThrownBy(() -> service.chatCompletion(request("x").tools(List.of(tool)).build()))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.kind()).isEqualTo(LlmException.Kind.INVALID_REQUEST);
                    assertThat(e.getMessage()).contains("'tools'").contains("--chat-template-file");
                });
        // tool_choice none: the tools are not offered, so nothing is dropped
        ChatCompletion none = service.chatCompletion(request("x").maxTokens(4).tools(List.of(tool))
                .toolChoice(dev.jllm.api.openai.ToolChoice.NONE).build());
        assertThat(none.choices().getFirst().message().toolCalls()).isNull();
    }

    @Test
    void aChatTemplateFileLetsTheModelTakeTools() throws Exception {
        // the template module's test-jar holds it; copied out because a jar entry is not a file
        Path template = home.resolve("qwen2.5-instruct.jinja");
        try (var in = getClass().getResourceAsStream("/dev/jllm/template/templates/qwen2.5-instruct.jinja")) {
            java.nio.file.Files.copy(in, template);
        }
        service.create("withTools", LocalConfig.of(model).withThreads(2)
                .withOption(LocalSettings.CHAT_TEMPLATE_FILE, template.toString()));
        dev.jllm.api.openai.Tool tool = dev.jllm.api.openai.Tool.function(dev.jllm.api.openai.FunctionDefinition.of(
                "get_weather", "weather", java.util.Map.of("type", "object")));
        ChatCompletion c = service.chatCompletion("withTools", request("x").maxTokens(4).tools(List.of(tool)).build());
        assertThat(c.choices().getFirst().finishReason()).isIn("stop", "length", "tool_calls");
        assertThatThrownBy(() -> service.create("missing", LocalConfig.of(model)
                .withOption(LocalSettings.CHAT_TEMPLATE_FILE, home.resolve("nope.jinja").toString())))
                .hasMessageContaining("nope.jinja");
    }
}

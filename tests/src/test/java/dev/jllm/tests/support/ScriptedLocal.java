package dev.jllm.tests.support;

import dev.jllm.api.ChatCompletionStream;
import dev.jllm.api.LlmException;
import dev.jllm.api.LlmProviderFactory;
import dev.jllm.api.LocalConfig;
import dev.jllm.api.QueuedChatCompletionStream;
import dev.jllm.api.openai.ChatCompletion;
import dev.jllm.api.openai.ChatCompletionChunk;
import dev.jllm.api.openai.ChatCompletionDelta;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.CompletionRequest;
import dev.jllm.api.openai.ChatMessage;
import dev.jllm.api.openai.ChoiceLogprobs;
import dev.jllm.api.openai.ChunkChoice;
import dev.jllm.api.openai.TokenLogprob;
import dev.jllm.api.openai.TopLogprob;
import dev.jllm.api.openai.Usage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A test double of the {@code local} instance type, for what the real engine cannot show on demand: a model load
 * that takes as long as a test wants ({@link #gate}), one that fails, and raw-prompt support
 * ({@code Llm.complete}). Its answers are scripted: a raw prompt is continued with {@link #RAW_WORDS}, a chat with
 * {@link #CHAT_WORDS}, as many as max_tokens allows; usage counts words.
 */
public final class ScriptedLocal extends ScriptedFactory {

    public static final List<String> RAW_WORDS = List.of(" one", " two", " three", " four", " five", " six");
    public static final List<String> CHAT_WORDS = List.of("Chat", " answer");

    private final CountDownLatch gate;

    /** @param gate creation waits for it (null: no wait) */
    public ScriptedLocal(CountDownLatch gate) {
        this.gate = gate;
    }

    @Override
    ScriptedInstance create(String name, LocalConfig c) {
        if (gate != null) {
            try {
                if (!gate.await(30, TimeUnit.SECONDS)) {
                    throw new LlmException(LlmException.Kind.TIMEOUT, "the test never opened the gate");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LlmException(LlmException.Kind.CANCELLED, "interrupted", e);
            }
        }
        if (c.model() != null && c.model().contains("broken")) {
            throw new LlmException(LlmException.Kind.INVALID_REQUEST, "not a GGUF file: " + c.model());
        }
        return new Instance(name, c);
    }

    private static final class Instance extends ScriptedInstance {

        Instance(String name, LocalConfig config) {
            super(name, config, config.model() == null ? "scripted" : config.model());
        }

        @Override
        public ChatCompletionStream chatCompletionStream(ChatCompletionRequest request) {
            int prompt = 0;
            for (ChatMessage m : request.messages()) {
                prompt += words(m.text());
            }
            return scripted(request, CHAT_WORDS, prompt);
        }

        @Override
        public ChatCompletion complete(CompletionRequest request) {
            return completeStream(request.withStream(false, null)).collect();
        }

        @Override
        public ChatCompletionStream completeStream(CompletionRequest request) {
            return scripted(request.sampling(), RAW_WORDS, words(request.prompt()));
        }

        private static int words(String text) {
            return text.isBlank() ? 0 : text.strip().split("\\s+").length;
        }

        private static ChatCompletionStream scripted(ChatCompletionRequest request, List<String> words, int prompt) {
            int max = request.effectiveMaxTokens() == null ? words.size()
                    : Math.min(words.size(), request.effectiveMaxTokens());
            boolean logprobs = Boolean.TRUE.equals(request.logprobs());
            List<ChatCompletionChunk> chunks = new ArrayList<>();
            String id = "chatcmpl-scripted";
            String model = request.model();
            for (int i = 0; i < max; i++) {
                String w = words.get(i);
                ChoiceLogprobs lp = logprobs ? new ChoiceLogprobs(List.of(new TokenLogprob(w, -0.5, null,
                        List.of(new TopLogprob(w, -0.5, null), new TopLogprob(" x", -2.0, null)))), null) : null;
                chunks.add(new ChatCompletionChunk(id, ChatCompletionChunk.OBJECT, 1700000200, model, null,
                        List.of(new ChunkChoice(0, i == 0 ? new ChatCompletionDelta("assistant", w, null, null)
                                : ChatCompletionDelta.content(w), lp, null)), null));
            }
            chunks.add(new ChatCompletionChunk(id, ChatCompletionChunk.OBJECT, 1700000200, model, null,
                    List.of(new ChunkChoice(0, ChatCompletionDelta.EMPTY, null,
                            max < words.size() ? "length" : "stop")), null));
            if (request.includeUsage() || !request.isStream()) {
                chunks.add(new ChatCompletionChunk(id, ChatCompletionChunk.OBJECT, 1700000200, model, null,
                        List.of(), Usage.of(prompt, max)));
            }
            QueuedChatCompletionStream s = new QueuedChatCompletionStream(chunks.size() + 1);
            chunks.forEach(s::emit);
            s.complete();
            return s;
        }
    }
}

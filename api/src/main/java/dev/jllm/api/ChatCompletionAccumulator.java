package dev.jllm.api;

import dev.jllm.api.openai.ChatCompletion;
import dev.jllm.api.openai.ChatCompletionChunk;
import dev.jllm.api.openai.ChatCompletionDelta;
import dev.jllm.api.openai.ChatMessage;
import dev.jllm.api.openai.Choice;
import dev.jllm.api.openai.ChoiceLogprobs;
import dev.jllm.api.openai.ChunkChoice;
import dev.jllm.api.openai.FunctionCall;
import dev.jllm.api.openai.MessageContent;
import dev.jllm.api.openai.TokenLogprob;
import dev.jllm.api.openai.ToolCall;
import dev.jllm.api.openai.Usage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Folds streamed chunks into the whole completion they stand for: content, reasoning and refusal pieces concatenated,
 * tool-call pieces merged by their index (arguments concatenated), logprobs appended, the finish reason and the
 * usage taken from where they appear. Not thread-safe: one per stream.
 */
public final class ChatCompletionAccumulator {

    private String id;
    private long created;
    private String model;
    private String fingerprint;
    private Usage usage;
    private final Map<Integer, ChoiceState> choices = new TreeMap<>();

    private static final class ChoiceState {
        String role;
        StringBuilder content;
        StringBuilder refusal;
        StringBuilder reasoning;
        final TreeMap<Integer, ToolCallState> toolCalls = new TreeMap<>();
        List<TokenLogprob> logprobs;
        String finishReason;
    }

    private static final class ToolCallState {
        String id;
        String type;
        String name;
        final StringBuilder arguments = new StringBuilder();
    }

    public ChatCompletionAccumulator add(ChatCompletionChunk chunk) {
        if (id == null) {
            id = chunk.id();
            created = chunk.created();
            model = chunk.model();
        }
        if (chunk.systemFingerprint() != null) {
            fingerprint = chunk.systemFingerprint();
        }
        if (chunk.usage() != null) {
            usage = chunk.usage();
        }
        for (ChunkChoice c : chunk.choices()) {
            ChoiceState s = choices.computeIfAbsent(c.index(), i -> new ChoiceState());
            ChatCompletionDelta d = c.delta();
            if (d != null) {
                if (d.role() != null) {
                    s.role = d.role();
                }
                if (d.content() != null) {
                    (s.content == null ? s.content = new StringBuilder() : s.content).append(d.content());
                }
                if (d.reasoningContent() != null) {
                    (s.reasoning == null ? s.reasoning = new StringBuilder() : s.reasoning).append(d.reasoningContent());
                }
                if (d.refusal() != null) {
                    (s.refusal == null ? s.refusal = new StringBuilder() : s.refusal).append(d.refusal());
                }
                if (d.toolCalls() != null) {
                    for (ToolCall tc : d.toolCalls()) {
                        // A delta without an index continues the only (or last) call, as some servers send it.
                        int index = tc.index() != null ? tc.index()
                                : s.toolCalls.isEmpty() ? 0 : s.toolCalls.lastKey();
                        ToolCallState t = s.toolCalls.computeIfAbsent(index, i -> new ToolCallState());
                        if (tc.id() != null) {
                            t.id = tc.id();
                        }
                        if (tc.type() != null) {
                            t.type = tc.type();
                        }
                        if (tc.function() != null) {
                            if (tc.function().name() != null) {
                                t.name = tc.function().name();
                            }
                            if (tc.function().arguments() != null) {
                                t.arguments.append(tc.function().arguments());
                            }
                        }
                    }
                }
            }
            if (c.logprobs() != null && c.logprobs().content() != null) {
                (s.logprobs == null ? s.logprobs = new ArrayList<>() : s.logprobs).addAll(c.logprobs().content());
            }
            if (c.finishReason() != null) {
                s.finishReason = c.finishReason();
            }
        }
        return this;
    }

    /** The completion made of every chunk added so far. */
    public ChatCompletion result() {
        List<Choice> out = new ArrayList<>();
        choices.forEach((index, s) -> {
            List<ToolCall> calls = null;
            if (!s.toolCalls.isEmpty()) {
                calls = new ArrayList<>();
                for (ToolCallState t : s.toolCalls.values()) {
                    calls.add(new ToolCall(null, t.id, t.type == null ? "function" : t.type,
                            new FunctionCall(t.name, t.arguments.toString())));
                }
            }
            // An answer that only calls tools has no content (OpenAI's null), though its role chunk carried "".
            MessageContent content = s.content == null || (calls != null && s.content.isEmpty())
                    ? (calls == null ? MessageContent.of("") : null) : MessageContent.of(s.content.toString());
            ChatMessage message = new ChatMessage(s.role == null ? "assistant" : s.role, content, null, calls, null,
                    s.refusal == null ? null : s.refusal.toString(), s.reasoning == null ? null : s.reasoning.toString());
            ChoiceLogprobs lp = s.logprobs == null ? null : new ChoiceLogprobs(s.logprobs, null);
            out.add(new Choice(index, message, lp, s.finishReason));
        });
        return new ChatCompletion(id, ChatCompletion.OBJECT, created, model, fingerprint, out, usage);
    }
}

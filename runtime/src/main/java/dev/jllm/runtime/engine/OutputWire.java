package dev.jllm.runtime.engine;

import dev.jllm.api.openai.ChatCompletionDelta;
import dev.jllm.api.openai.ChatMessage;
import dev.jllm.api.openai.FunctionCall;
import dev.jllm.api.openai.MessageContent;
import dev.jllm.api.openai.ToolCall;
import dev.jllm.api.openai.TokenLogprob;
import dev.jllm.api.openai.TopLogprob;
import dev.jllm.api.openai.Usage;
import dev.jllm.runtime.chat.tools.AssistantOutputParser;
import dev.jllm.runtime.chat.tools.OutputDelta;
import dev.jllm.runtime.sampling.Logprobs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Parsed model output in OpenAI's wire shapes: a streamed piece as a chunk delta (a call's first delta carries
 * index, id, type and name with empty arguments, the arguments follow in their own delta, as OpenAI streams
 * them), a whole answer as the assistant message, the finish reason, a token's log-probabilities and the usage.
 */
public final class OutputWire {
    private OutputWire() {
    }

    /** One parsed piece as the delta OpenAI would send for it. */
    public static ChatCompletionDelta delta(OutputDelta d) {
        return switch (d) {
            case OutputDelta.Content c -> ChatCompletionDelta.content(c.text());
            case OutputDelta.Reasoning r -> ChatCompletionDelta.reasoning(r.text());
            case OutputDelta.CallStart c -> ChatCompletionDelta.toolCalls(List.of(
                    new ToolCall(c.index(), c.id(), "function", new FunctionCall(c.name(), ""))));
            case OutputDelta.CallArguments a -> ChatCompletionDelta.toolCalls(List.of(
                    new ToolCall(a.index(), null, null, new FunctionCall(null, a.arguments()))));
        };
    }

    /** The whole answer of a finished parser: content (null when only calls were made), calls, reasoning. */
    public static ChatMessage message(AssistantOutputParser parser) {
        List<ToolCall> calls = new ArrayList<>();
        for (AssistantOutputParser.ToolCallResult c : parser.calls()) {
            calls.add(ToolCall.function(c.id(), c.name(), c.arguments()));
        }
        String content = parser.content();
        return new ChatMessage("assistant", calls.isEmpty() || !content.isEmpty() ? MessageContent.of(content) : null,
                null, calls.isEmpty() ? null : calls, null, null, parser.reasoning());
    }

    /** OpenAI's finish reason: {@code tool_calls} when the model stopped after calling tools. */
    public static String finishReason(AssistantOutputParser parser, String engineReason) {
        return "stop".equals(engineReason) && !parser.calls().isEmpty() ? "tool_calls" : engineReason;
    }

    /** A sampled token's log-probability and its top alternatives, each with its text and UTF-8 bytes. */
    static TokenLogprob logprob(LocalModel m, Logprobs lp) {
        List<TopLogprob> top = new ArrayList<>();
        for (dev.jllm.runtime.sampling.TokenLogprob t : lp.top()) {
            byte[] b = m.tokenizer().tokenBytes(t.token());
            top.add(new TopLogprob(new String(b, StandardCharsets.UTF_8), t.logprob(), bytes(b)));
        }
        byte[] b = m.tokenizer().tokenBytes(lp.chosen().token());
        return new TokenLogprob(new String(b, StandardCharsets.UTF_8), lp.chosen().logprob(), bytes(b), top);
    }

    private static List<Integer> bytes(byte[] b) {
        List<Integer> out = new ArrayList<>(b.length);
        for (byte x : b) {
            out.add(Byte.toUnsignedInt(x));
        }
        return out;
    }

    /** OpenAI's usage: the prompt counted once (the choices share its evaluation), the completions summed. */
    static Usage usage(GenerationResult[] results) {
        GenerationResult first = results[0];
        int completion = 0;
        for (GenerationResult r : results) {
            completion += r.tokens().length;
        }
        return Usage.of(first.promptTokens().length, completion, first.cachedTokens());
    }
}

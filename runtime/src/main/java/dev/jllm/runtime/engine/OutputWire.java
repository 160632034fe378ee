package dev.jllm.runtime.engine;

import dev.jllm.api.openai.ChatCompletionDelta;
import dev.jllm.api.openai.ChatMessage;
import dev.jllm.api.openai.FunctionCall;
import dev.jllm.api.openai.MessageContent;
import dev.jllm.api.openai.ToolCall;
import dev.jllm.runtime.chat.tools.AssistantOutputParser;
import dev.jllm.runtime.chat.tools.OutputDelta;

import java.util.ArrayList;
import java.util.List;

/**
 * Parsed model output in OpenAI's wire shapes: a streamed piece as a chunk delta (a call's first delta carries
 * index, id, type and name with empty arguments, the arguments follow in their own delta, as OpenAI streams
 * them), a whole answer as the assistant message, and the finish reason.
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
}

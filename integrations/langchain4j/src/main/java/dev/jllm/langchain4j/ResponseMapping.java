package dev.jllm.langchain4j;

import dev.jllm.api.openai.ChatCompletion;
import dev.jllm.api.openai.Choice;
import dev.jllm.api.openai.Usage;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;

/** jllm's (OpenAI's) answers as LangChain4j's: message, token usage, finish reason, id and model. */
final class ResponseMapping {

    private ResponseMapping() {
    }

    static ChatResponse toChatResponse(ChatCompletion c) {
        Choice choice = c.choices().isEmpty() ? null : c.choices().getFirst();
        return ChatResponse.builder()
                .aiMessage(MessageMapping.toAiMessage(choice == null ? null : choice.message()))
                .id(c.id())
                .modelName(c.model())
                .tokenUsage(tokenUsage(c.usage()))
                .finishReason(finishReason(choice == null ? null : choice.finishReason()))
                .build();
    }

    static TokenUsage tokenUsage(Usage u) {
        return u == null ? null : new TokenUsage(u.promptTokens(), u.completionTokens(), u.totalTokens());
    }

    static FinishReason finishReason(String reason) {
        if (reason == null) {
            return null;
        }
        return switch (reason) {
            case "stop" -> FinishReason.STOP;
            case "length" -> FinishReason.LENGTH;
            case "tool_calls", "function_call" -> FinishReason.TOOL_EXECUTION;
            case "content_filter" -> FinishReason.CONTENT_FILTER;
            default -> FinishReason.OTHER;
        };
    }
}

package dev.jllm.langchain4j;

import dev.jllm.api.LlmException;
import dev.jllm.api.openai.ChatMessage;
import dev.jllm.api.openai.ToolCall;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;

import java.util.ArrayList;
import java.util.List;

/** LangChain4j's messages to jllm's (OpenAI's) and back. */
final class MessageMapping {

    private MessageMapping() {
    }

    static List<ChatMessage> toJllm(List<dev.langchain4j.data.message.ChatMessage> messages) {
        List<ChatMessage> out = new ArrayList<>(messages.size());
        for (dev.langchain4j.data.message.ChatMessage m : messages) {
            out.add(switch (m) {
                case SystemMessage s -> ChatMessage.system(s.text());
                case UserMessage u -> ChatMessage.user(userText(u));
                case AiMessage a -> a.hasToolExecutionRequests()
                        ? withText(ChatMessage.assistantToolCalls(toolCalls(a.toolExecutionRequests())), a.text())
                        : ChatMessage.assistant(a.text() == null ? "" : a.text());
                case ToolExecutionResultMessage t -> ChatMessage.tool(t.id(), t.text());
                default -> throw LlmException.invalid("jllm cannot send a " + m.type() + " message");
            });
        }
        return out;
    }

    private static String userText(UserMessage u) {
        StringBuilder sb = new StringBuilder();
        for (var c : u.contents()) {
            if (!(c instanceof TextContent t)) {
                // Refused, never dropped: jllm's models read text only.
                throw LlmException.invalid("jllm models read text only; the user message has " + c.type()
                        + " content");
            }
            sb.append(t.text());
        }
        return sb.toString();
    }

    /** An assistant message with tool calls that also said something keeps the text. */
    private static ChatMessage withText(ChatMessage calls, String text) {
        if (text == null || text.isEmpty()) {
            return calls;
        }
        return new ChatMessage(calls.role(), dev.jllm.api.openai.MessageContent.of(text), calls.name(),
                calls.toolCalls(), calls.toolCallId(), calls.refusal());
    }

    private static List<ToolCall> toolCalls(List<ToolExecutionRequest> requests) {
        List<ToolCall> calls = new ArrayList<>(requests.size());
        for (ToolExecutionRequest r : requests) {
            calls.add(ToolCall.function(r.id(), r.name(), r.arguments()));
        }
        return calls;
    }

    /** The assistant's answer as LangChain4j's message (text and tool calls). */
    static AiMessage toAiMessage(ChatMessage message) {
        String text = message == null ? null : message.text();
        List<ToolExecutionRequest> requests = new ArrayList<>();
        if (message != null && message.toolCalls() != null) {
            for (ToolCall c : message.toolCalls()) {
                requests.add(ToolExecutionRequest.builder().id(c.id()).name(c.function().name())
                        .arguments(c.function().arguments()).build());
            }
        }
        if (requests.isEmpty()) {
            return AiMessage.from(text == null ? "" : text);
        }
        return text == null || text.isEmpty() ? AiMessage.from(requests) : AiMessage.from(text, requests);
    }
}

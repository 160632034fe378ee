package dev.jllm.springai;

import dev.jllm.api.LlmException;
import dev.jllm.api.openai.ChatCompletion;
import dev.jllm.api.openai.ChatMessage;
import dev.jllm.api.openai.Choice;
import dev.jllm.api.openai.ToolCall;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;

import java.util.ArrayList;
import java.util.List;

/** Spring AI's messages and responses to jllm's (OpenAI's) and back. */
final class SpringMessages {

    private SpringMessages() {
    }

    static List<ChatMessage> toJllm(List<Message> messages) {
        List<ChatMessage> out = new ArrayList<>();
        for (Message m : messages) {
            switch (m) {
                case SystemMessage s -> out.add(ChatMessage.system(s.getText()));
                case UserMessage u -> {
                    if (!u.getMedia().isEmpty()) {
                        throw LlmException.invalid("jllm models read text only; the user message has media");
                    }
                    out.add(ChatMessage.user(u.getText()));
                }
                case AssistantMessage a -> {
                    if (a.hasToolCalls()) {
                        List<ToolCall> calls = new ArrayList<>();
                        for (AssistantMessage.ToolCall c : a.getToolCalls()) {
                            calls.add(ToolCall.function(c.id(), c.name(), c.arguments()));
                        }
                        out.add(ChatMessage.assistantToolCalls(calls));
                    } else {
                        out.add(ChatMessage.assistant(a.getText() == null ? "" : a.getText()));
                    }
                }
                case ToolResponseMessage t -> {
                    for (ToolResponseMessage.ToolResponse r : t.getResponses()) {
                        out.add(ChatMessage.tool(r.id(), r.responseData()));
                    }
                }
                default -> throw LlmException.invalid("jllm cannot send a " + m.getMessageType() + " message");
            }
        }
        return out;
    }

    static AssistantMessage toAssistant(ChatMessage message) {
        List<AssistantMessage.ToolCall> calls = new ArrayList<>();
        if (message != null && message.toolCalls() != null) {
            for (ToolCall c : message.toolCalls()) {
                calls.add(new AssistantMessage.ToolCall(c.id(), "function", c.function().name(),
                        c.function().arguments()));
            }
        }
        String text = message == null || message.text() == null ? "" : message.text();
        return AssistantMessage.builder().content(text).toolCalls(calls).build();
    }

    static ChatResponse toResponse(ChatCompletion c) {
        List<Generation> generations = new ArrayList<>();
        for (Choice choice : c.choices()) {
            generations.add(new Generation(toAssistant(choice.message()), ChatGenerationMetadata.builder()
                    .finishReason(choice.finishReason() == null ? null
                            : choice.finishReason().toUpperCase(java.util.Locale.ROOT)).build()));
        }
        ChatResponseMetadata.Builder meta = ChatResponseMetadata.builder().id(c.id()).model(c.model());
        if (c.usage() != null) {
            meta.usage(new DefaultUsage(c.usage().promptTokens(), c.usage().completionTokens(),
                    c.usage().totalTokens()));
        }
        return new ChatResponse(generations, meta.build());
    }
}

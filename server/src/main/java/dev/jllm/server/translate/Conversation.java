package dev.jllm.server.translate;

import dev.jllm.api.openai.ChatMessage;
import dev.jllm.api.openai.ContentPart;
import dev.jllm.api.openai.MessageContent;
import dev.jllm.api.openai.ToolCall;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds the Chat Completions messages of a conversation written in another format, where one assistant turn may
 * come as several pieces (text, then calls, as Responses items or Messages blocks): consecutive assistant pieces
 * become one assistant message with its text and {@code tool_calls}, as the chat templates expect them.
 */
public final class Conversation {

    private final List<ChatMessage> messages = new ArrayList<>();
    private StringBuilder assistantText;
    private List<ToolCall> assistantCalls;
    private String assistantReasoning;

    public Conversation system(String text) {
        return add(ChatMessage.system(text));
    }

    /** A user turn of text and image parts (a single text part is sent as plain text). */
    public Conversation user(List<ContentPart> parts) {
        if (parts.size() == 1 && ContentPart.TEXT.equals(parts.getFirst().type())) {
            return add(ChatMessage.user(parts.getFirst().text()));
        }
        return add(ChatMessage.user(parts));
    }

    public Conversation assistantText(String text) {
        assistant().append(text);
        return this;
    }

    /** Earlier reasoning of the assistant turn being built (templates may show or drop it). */
    public Conversation assistantReasoning(String text) {
        assistant();
        assistantReasoning = assistantReasoning == null ? text : assistantReasoning + text;
        return this;
    }

    public Conversation assistantCall(String id, String name, String arguments) {
        assistant();
        if (assistantCalls == null) {
            assistantCalls = new ArrayList<>();
        }
        assistantCalls.add(ToolCall.function(id, name, arguments));
        return this;
    }

    /** An answer given earlier, as the assistant turn it was. */
    public Conversation answer(List<Block> blocks) {
        for (Block b : blocks) {
            switch (b.kind()) {
                case TEXT -> assistantText(b.text());
                case REASONING -> assistantReasoning(b.text());
                case CALL -> assistantCall(b.callId(), b.name(), b.text());
            }
        }
        return this;
    }

    public Conversation toolResult(String callId, String text) {
        return add(ChatMessage.tool(callId, text));
    }

    /** Already translated messages (a stored conversation), then whatever is added next. */
    public Conversation messagesThen(List<ChatMessage> earlier) {
        earlier.forEach(this::add);
        return this;
    }

    /** An already translated message (a stored conversation's). */
    public Conversation add(ChatMessage m) {
        flush();
        messages.add(m);
        return this;
    }

    public List<ChatMessage> messages() {
        flush();
        return List.copyOf(messages);
    }

    public boolean isEmpty() {
        return messages.isEmpty() && assistantText == null;
    }

    private StringBuilder assistant() {
        if (assistantText == null) {
            assistantText = new StringBuilder();
        }
        return assistantText;
    }

    private void flush() {
        if (assistantText == null) {
            return;
        }
        boolean calls = assistantCalls != null && !assistantCalls.isEmpty();
        MessageContent content = calls && assistantText.isEmpty() ? null : MessageContent.of(assistantText.toString());
        messages.add(new ChatMessage("assistant", content, null, calls ? assistantCalls : null, null, null,
                assistantReasoning));
        assistantText = null;
        assistantCalls = null;
        assistantReasoning = null;
    }
}

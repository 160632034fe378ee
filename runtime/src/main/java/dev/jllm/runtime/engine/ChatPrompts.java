package dev.jllm.runtime.engine;

import dev.jllm.api.LlmException;
import dev.jllm.api.json.Json;
import dev.jllm.api.openai.ChatMessage;
import dev.jllm.api.openai.ContentPart;
import dev.jllm.api.openai.MessageContent;
import dev.jllm.template.ChatTemplate;
import dev.jllm.template.ChatTemplateException;
import dev.jllm.template.Message;
import dev.jllm.template.Tool;
import dev.jllm.template.ToolCall;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns OpenAI chat messages into the prompt text a model's chat template makes of them. Content the engine
 * cannot take (images, audio, files) is refused here, by name, rather than silently dropped.
 */
final class ChatPrompts {
    private ChatPrompts() {
    }

    static String render(ChatTemplate template, List<ChatMessage> messages, List<dev.jllm.api.openai.Tool> tools) {
        return render(template, messages, tools, Map.of());
    }

    /** @param extra further template variables ({@code enable_thinking}) */
    static String render(ChatTemplate template, List<ChatMessage> messages, List<dev.jllm.api.openai.Tool> tools,
                         Map<String, Object> extra) {
        if (messages == null || messages.isEmpty()) {
            throw LlmException.invalid("messages must hold at least one message");
        }
        List<Message> converted = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            converted.add(convert(messages.get(i), i));
        }
        List<Tool> toolList = tools == null || tools.isEmpty() ? null : tools.stream().map(ChatPrompts::convert).toList();
        try {
            return template.render(converted, toolList, true, extra);
        } catch (ChatTemplateException e) {
            // over budget: the template (not the client) is at fault, but only for this input, so the request fails
            throw LlmException.invalid((e.overBudget() ? "the model's chat template cannot render this conversation: "
                    : "the model's chat template rejected the conversation: ") + e.getMessage());
        }
    }

    private static Message convert(ChatMessage m, int index) {
        String content = null;
        List<dev.jllm.template.ContentPart> parts = null;
        switch (m.content()) {
            case null -> { }
            case MessageContent.Text t -> content = t.text();
            case MessageContent.Parts p -> {
                parts = new ArrayList<>();
                for (ContentPart part : p.parts()) {
                    if (!ContentPart.TEXT.equals(part.type())) {
                        throw new LlmException(LlmException.Kind.INVALID_REQUEST, "messages[" + index + "].content: parts of type '"
                                + part.type() + "' are not supported by local models (text only)");
                    }
                    parts.add(dev.jllm.template.ContentPart.text(part.text() == null ? "" : part.text()));
                }
            }
        }
        List<ToolCall> calls = null;
        if (m.toolCalls() != null && !m.toolCalls().isEmpty()) {
            calls = new ArrayList<>();
            for (dev.jllm.api.openai.ToolCall c : m.toolCalls()) {
                if (c.function() == null || c.function().name() == null) {
                    throw LlmException.invalid("messages[" + index + "].tool_calls: every call needs function.name");
                }
                calls.add(new ToolCall(c.id(), c.function().name(), arguments(c.function().arguments())));
            }
        }
        return new Message(m.role(), content, parts, m.name(), calls, m.toolCallId(), m.reasoningContent());
    }

    /** Templates print arguments as JSON objects (most) or strings; parse when it is a JSON object. */
    private static Object arguments(String json) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        try {
            return Json.fromJson(json, Map.class);
        } catch (RuntimeException e) {
            return json;
        }
    }

    private static Tool convert(dev.jllm.api.openai.Tool t) {
        if (t.function() == null || t.function().name() == null) {
            throw LlmException.invalid("tools: every tool needs function.name");
        }
        if (t.type() != null && !"function".equals(t.type())) {
            throw LlmException.invalid("tools: type '" + t.type() + "' is not supported (only 'function')");
        }
        return new Tool(t.function().name(), t.function().description(), t.function().parameters());
    }
}

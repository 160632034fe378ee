package dev.jllm.jlama;

import com.github.tjake.jlama.model.AbstractModel;
import com.github.tjake.jlama.safetensors.prompt.PromptContext;
import com.github.tjake.jlama.safetensors.prompt.PromptSupport;
import dev.jllm.api.LlmException;
import dev.jllm.api.openai.ChatMessage;
import dev.jllm.api.openai.ContentPart;
import dev.jllm.api.openai.MessageContent;

import java.util.List;
import java.util.Optional;

/**
 * Chat messages to prompt tokens for jlama: the model's own chat template rendered by jlama (tokenizer_config.json),
 * or, for a model without one, ChatML as text (what jllm's local engine and llama.cpp fall back to). BOS is added
 * as jlama adds it.
 */
final class Prompts {

    private Prompts() { }

    /** A text to continue as it is, without a chat template. */
    static int[] raw(AbstractModel model, String text) {
        return model.encodePrompt(PromptContext.of(text));
    }

    static int[] chat(AbstractModel model, List<ChatMessage> messages) {
        if (messages == null || messages.isEmpty()) {
            throw LlmException.invalidParam("messages", "at least one message is needed");
        }
        Optional<PromptSupport> template = model.promptSupport();
        if (template.isPresent()) {
            PromptSupport.Builder b = template.get().builder();
            for (int i = 0; i < messages.size(); i++) {
                ChatMessage m = messages.get(i);
                String text = text(m, i);
                switch (m.role()) {
                    case "system", "developer" -> b.addSystemMessage(text);
                    case "user" -> b.addUserMessage(text);
                    case "assistant" -> b.addAssistantMessage(text);
                    default -> throw unsupportedRole(m, i);
                }
            }
            try {
                return model.encodePrompt(b.build());
            } catch (RuntimeException e) {
                throw LlmException.invalid("the chat template of this model cannot render these messages: "
                        + e.getMessage());
            }
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage m = messages.get(i);
            String role = switch (m.role()) {
                case "system", "developer" -> "system";
                case "user", "assistant" -> m.role();
                default -> throw unsupportedRole(m, i);
            };
            s.append("<|im_start|>").append(role).append('\n').append(text(m, i)).append("<|im_end|>\n");
        }
        s.append("<|im_start|>assistant\n");
        return model.encodePrompt(PromptContext.of(s.toString()));
    }

    private static String text(ChatMessage m, int i) {
        if (m.toolCalls() != null && !m.toolCalls().isEmpty()) {
            throw LlmException.invalidParam("messages[" + i + "].tool_calls", "jlama instances do not support tools");
        }
        if (m.content() instanceof MessageContent.Parts p) {
            for (ContentPart part : p.parts()) {
                if (!ContentPart.TEXT.equals(part.type())) {
                    throw LlmException.invalidParam("messages[" + i + "].content", "jlama instances take text"
                            + " parts only, got '" + part.type() + "'");
                }
            }
        }
        return m.text();
    }

    private static LlmException unsupportedRole(ChatMessage m, int i) {
        return LlmException.invalidParam("messages[" + i + "].role", "'" + m.role()
                + "' is not supported by jlama instances (system, developer, user, assistant)");
    }
}

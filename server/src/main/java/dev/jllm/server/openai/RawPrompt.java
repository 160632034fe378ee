package dev.jllm.server.openai;

import dev.jllm.api.HttpLlmConfig;
import dev.jllm.api.Llm;
import dev.jllm.api.LlmException;
import dev.jllm.api.openai.ChatMessage;
import dev.jllm.api.openai.MessageContent;

/**
 * How {@code POST /v1/completions} reaches an instance, given that {@link Llm} only has chat operations: a chat
 * request whose only message has the role {@value #ROLE} and the prompt as its content, which an instance that
 * supports it continues as-is, without a chat template. An instance says it supports this with
 * {@code "raw_prompt": "true"} in its {@link dev.jllm.api.LlmInfo#details()}; the server sends such requests to no
 * other instance (a remote server would take the role for an error, or worse, for a chat message).
 */
public final class RawPrompt {

    /** The role of the one message that carries a raw prompt. */
    public static final String ROLE = "raw";
    /** The {@code LlmInfo.details} key (value "true") by which an instance says it takes raw prompts. */
    public static final String CAPABILITY = "raw_prompt";

    private RawPrompt() { }

    public static ChatMessage message(String prompt) {
        return new ChatMessage(ROLE, MessageContent.of(prompt), null, null, null, null);
    }

    /** Whether the instance takes raw prompts; remote (HTTP) instances never do. */
    public static boolean supported(Llm llm) {
        if (llm.config() instanceof HttpLlmConfig) {
            return false;
        }
        try {
            return "true".equals(llm.info().details().get(CAPABILITY));
        } catch (LlmException e) {
            return false;
        }
    }
}

package dev.jllm.server.openai;

import jakarta.json.JsonObjectBuilder;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * llama-server's context-overflow fields, {@code n_prompt_tokens} and {@code n_ctx}, beside OpenAI's
 * {@code context_length_exceeded} code, for the clients that read them to shorten a conversation. The engine says
 * both counts in its message ("the prompt has N tokens but the context ... holds M"); a refusal made before the
 * prompt was tokenized has no token count, and gets neither field.
 */
final class ContextOverflow {

    private static final Pattern COUNTS = Pattern.compile("the prompt has (\\d+) tokens but the context\\b.*? holds (\\d+)");

    private ContextOverflow() { }

    static void addCounts(JsonObjectBuilder error, String message) {
        Matcher m = COUNTS.matcher(message);
        if (m.find()) {
            error.add("n_prompt_tokens", Long.parseLong(m.group(1))).add("n_ctx", Long.parseLong(m.group(2)));
        }
    }
}

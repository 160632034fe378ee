package dev.jllm.server.openai;

import java.util.Set;

/**
 * llama-server's request fields that clients written for it send on the OpenAI routes: {@code n_predict} is its
 * name for the token limit (honoured where max_tokens is absent; -1 means no limit), {@code cache_prompt} and
 * {@code id_slot} steer its prompt cache and slots, which jllm manages itself (the prompt cache is always on, a
 * slot is given to each request), so they are checked for type and ignored (docs/server.md says so).
 */
final class LlamaServerFields {

    static final Set<String> NAMES = Set.of("n_predict", "cache_prompt", "id_slot");

    private LlamaServerFields() { }

    /** Checks the fields; the token limit {@code n_predict} asks for, or null for none. */
    static Integer check(JsonFields f) {
        f.bool("cache_prompt");
        f.integer("id_slot", -1, Integer.MAX_VALUE);
        Integer n = f.integer("n_predict", -1, Integer.MAX_VALUE);
        if (n != null && n == 0) {
            throw ApiException.invalid("'" + f.param("n_predict") + "' must be positive, or -1 for no limit",
                    f.param("n_predict"));
        }
        return n == null || n < 0 ? null : n;
    }
}

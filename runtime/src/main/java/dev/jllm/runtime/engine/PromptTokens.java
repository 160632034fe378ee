package dev.jllm.runtime.engine;

import dev.jllm.runtime.tokenizer.Tokenizer;

/**
 * Tokenizes a rendered chat prompt. Templates print special markers as text, so special tokens are parsed; many
 * templates also print {@code bos_token} themselves, and the tokenizer would add a second BOS: that one is not
 * added then, as llama.cpp's server avoids a doubled BOS.
 */
final class PromptTokens {
    private PromptTokens() {
    }

    static int[] encode(Tokenizer tokenizer, String prompt) {
        int[] ids = tokenizer.encode(prompt, true, true);
        int bos = tokenizer.bos();
        if (tokenizer.addsBos() && bos >= 0 && ids.length >= 2 && ids[0] == bos && ids[1] == bos) {
            return java.util.Arrays.copyOfRange(ids, 1, ids.length);
        }
        return ids;
    }
}

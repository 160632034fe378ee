package dev.jllm.runtime.engine;

import dev.jllm.runtime.sampling.Logprobs;

/** Receives generated text as it becomes final (whole UTF-8 characters, stop strings held back). */
@FunctionalInterface
public interface TokenListener {

    /**
     * @param text     text that is now certain to be part of the output (may be empty while bytes of a
     *                 character or a possible stop string are held back)
     * @param token    the token just generated
     * @param logprobs that token's log-probability and the top alternatives, or null when not asked for
     * @return false to stop the generation (it then ends as {@link FinishReason#CANCELLED})
     */
    boolean onToken(String text, int token, Logprobs logprobs);

    TokenListener IGNORE = (text, token, logprobs) -> true;
}

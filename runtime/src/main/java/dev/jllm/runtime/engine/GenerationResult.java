package dev.jllm.runtime.engine;

/**
 * The outcome of one generation.
 *
 * @param promptTokens the prompt as evaluated (BOS included where the model adds it)
 * @param tokens       the generated tokens, an end-of-generation token not included
 * @param text         the text emitted to the listener (stop strings and what follows them not included)
 * @param promptNanos  time to evaluate the prompt (and so, to the first token)
 * @param decodeNanos  time spent generating after the prompt
 */
public record GenerationResult(int[] promptTokens, int[] tokens, String text, FinishReason finishReason,
                               long promptNanos, long decodeNanos) {

    /** Generated tokens per second after the prompt. */
    public double decodeTokensPerSecond() {
        return tokens.length <= 1 || decodeNanos <= 0 ? 0 : (tokens.length - 1) * 1e9 / decodeNanos;
    }

    /** Prompt tokens per second. */
    public double promptTokensPerSecond() {
        return promptNanos <= 0 ? 0 : promptTokens.length * 1e9 / promptNanos;
    }
}

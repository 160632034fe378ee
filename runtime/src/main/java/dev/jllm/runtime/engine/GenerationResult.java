package dev.jllm.runtime.engine;

import dev.jllm.runtime.scheduler.FinishReason;
import dev.jllm.runtime.scheduler.SequenceOutcome;

/**
 * The outcome of one generation.
 *
 * @param promptTokens the prompt as evaluated (BOS included where the model adds it)
 * @param tokens       the generated tokens, an end-of-generation token not included
 * @param text         the text emitted to the listener (stop strings and what follows them not included)
 * @param promptNanos  time from getting a slot to the first token (the prompt's evaluation)
 * @param decodeNanos  time spent generating after the first token
 * @param queueNanos   time waiting for a slot
 * @param cachedTokens leading prompt tokens served from the prefix cache instead of being evaluated
 */
public record GenerationResult(int[] promptTokens, int[] tokens, String text, FinishReason finishReason,
                               long promptNanos, long decodeNanos, long queueNanos, int cachedTokens) {

    static GenerationResult of(SequenceOutcome o) {
        return new GenerationResult(o.promptTokens(), o.tokens(), o.text(), o.finishReason(), o.promptNanos(),
                o.decodeNanos(), o.queueNanos(), o.cachedTokens());
    }

    /** Generated tokens per second after the first. */
    public double decodeTokensPerSecond() {
        return tokens.length <= 1 || decodeNanos <= 0 ? 0 : (tokens.length - 1) * 1e9 / decodeNanos;
    }

    /** Prompt tokens evaluated per second (cached ones not counted: they were not evaluated). */
    public double promptTokensPerSecond() {
        return promptNanos <= 0 ? 0 : (promptTokens.length - cachedTokens) * 1e9 / promptNanos;
    }
}

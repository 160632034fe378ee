package dev.jllm.runtime.scheduler;

/**
 * The outcome of one generation.
 *
 * @param promptTokens the prompt as evaluated (BOS included where the model adds it)
 * @param tokens       the generated tokens, an end-of-generation token not included
 * @param text         the text emitted (stop strings and what follows them not included)
 * @param cachedTokens leading prompt tokens whose keys and values came from the prefix cache
 * @param queueNanos   time waiting for a slot
 * @param promptNanos  time from getting a slot to the first token
 * @param decodeNanos  time after the first token
 */
public record SequenceOutcome(int[] promptTokens, int[] tokens, String text, FinishReason finishReason,
                              int cachedTokens, long queueNanos, long promptNanos, long decodeNanos) {
}

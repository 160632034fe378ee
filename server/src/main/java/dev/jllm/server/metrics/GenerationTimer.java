package dev.jllm.server.metrics;

import dev.jllm.api.openai.Usage;

/**
 * Measures one generation for the metrics: time to first content, then, from the usage reported at the end,
 * the token counts and the decode speed. Not thread-safe: one per generation, used by the thread that reads it.
 */
public final class GenerationTimer {

    private final Metrics metrics;
    private final String instance;
    private final long startNanos;
    private long firstNanos;

    public GenerationTimer(Metrics metrics, String instance) {
        this.metrics = metrics;
        this.instance = instance;
        this.startNanos = System.nanoTime();
    }

    /** Call for every piece of content; the first one sets the time to first token. */
    public void content() {
        if (firstNanos == 0) {
            firstNanos = System.nanoTime();
            metrics.timeToFirstToken.observe((firstNanos - startNanos) / 1e9, instance);
        }
    }

    /** Call once when the generation ended normally, with its usage (null when the instance gave none). */
    public void finished(Usage usage) {
        if (usage == null) {
            return;
        }
        metrics.promptTokens.add(Math.max(0, usage.promptTokens()), instance);
        metrics.generatedTokens.add(Math.max(0, usage.completionTokens()), instance);
        // Speed counts the tokens after the first over the time after it: prefill is not decoding.
        if (firstNanos != 0 && usage.completionTokens() > 1) {
            double seconds = (System.nanoTime() - firstNanos) / 1e9;
            if (seconds > 0) {
                metrics.tokensPerSecond.observe((usage.completionTokens() - 1) / seconds, instance);
            }
        }
    }
}

package dev.jllm.runtime.engine;

import dev.jllm.api.LlmException;
import dev.jllm.runtime.scheduler.FinishReason;
import dev.jllm.runtime.scheduler.SequenceEvent;
import dev.jllm.runtime.scheduler.SequenceHandle;
import dev.jllm.runtime.scheduler.SequenceRequest;

import java.util.Arrays;

/**
 * Runs one generation to its end on the calling thread: submits it to the model's {@link
 * dev.jllm.runtime.scheduler.Scheduler} (where it is batched with the model's other generations) and hands each
 * piece of text to a listener as it becomes final.
 */
public final class Generator {
    private Generator() {
    }

    /**
     * @throws LlmException CONTEXT_LENGTH_EXCEEDED when the prompt leaves no room to generate, RATE_LIMITED when
     *                      the model's slots and queue are full, UNAVAILABLE when the model is unloaded meanwhile
     */
    public static GenerationResult generate(LocalModel model, int[] prompt, GenerationOptions options,
                                            TokenListener listener) {
        SequenceHandle handle = model.scheduler().submit(request(prompt, options));
        return follow(handle, prompt, listener);
    }

    static SequenceRequest request(int[] prompt, GenerationOptions options) {
        return new SequenceRequest(prompt, options.sampling(), options.maxTokens(), options.topLogprobs(),
                options.grammar());
    }

    /**
     * Reads a submitted generation's events into the listener until it ends. A listener returning false, or an
     * interrupt of this thread, cancels it: the result is then what the listener saw, finished as CANCELLED.
     */
    static GenerationResult follow(SequenceHandle handle, int[] prompt, TokenListener listener) {
        long t0 = System.nanoTime();
        StringBuilder text = new StringBuilder();
        int[] tokens = new int[64];
        int n = 0;
        while (true) {
            SequenceEvent event;
            try {
                event = handle.next();
            } catch (InterruptedException e) {
                handle.cancel();
                Thread.currentThread().interrupt();
                return cancelled(handle, prompt, tokens, n, text, t0);
            }
            switch (event) {
                case SequenceEvent.Token t -> {
                    if (t.generatedTokens() > n) {
                        if (n == tokens.length) {
                            tokens = Arrays.copyOf(tokens, n * 2);
                        }
                        tokens[n++] = t.token();
                    }
                    text.append(t.text());
                    if (!listener.onToken(t.text(), t.token(), t.logprobs())) {
                        handle.cancel();
                        return cancelled(handle, prompt, tokens, n, text, t0);
                    }
                }
                case SequenceEvent.Finished f -> {
                    return GenerationResult.of(f.outcome());
                }
                case SequenceEvent.Failed f -> throw f.error().reraised();
            }
        }
    }

    private static GenerationResult cancelled(SequenceHandle handle, int[] prompt, int[] tokens, int n,
                                              StringBuilder text, long t0) {
        return new GenerationResult(prompt, Arrays.copyOf(tokens, n), text.toString(), FinishReason.CANCELLED,
                0, System.nanoTime() - t0, 0, Math.max(0, handle.cachedTokens()));
    }
}

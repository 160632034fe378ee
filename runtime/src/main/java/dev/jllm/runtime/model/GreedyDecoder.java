package dev.jllm.runtime.model;

import dev.jllm.runtime.kv.KvCache;
import java.util.Arrays;

/**
 * Minimal greedy (argmax) generation on one sequence: the prompt in one forward pass, then one token per
 * pass. A reference for tests and tools; serving uses the sampler chain.
 */
public final class GreedyDecoder {

    /** Sees the logits of each generation step (step 0 follows the prompt) before the argmax is taken. */
    @FunctionalInterface
    public interface StepListener {
        void onStep(int step, float[] logits);
    }

    private GreedyDecoder() {}

    /** Index of the largest value; ties go to the lowest index (as llama.cpp's greedy sampling). */
    public static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    /**
     * Generates up to {@code maxTokens} tokens after {@code prompt} in sequence {@code sequenceId} (which
     * continues from its cached length in {@code kv}), stopping after {@code stopToken} (use -1 for none).
     *
     * @return the generated tokens, the stop token included when reached
     */
    public static int[] generate(LlamaModel model, KvCache kv, int sequenceId, int[] prompt, int maxTokens,
                                 int stopToken, StepListener listener) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("empty prompt");
        }
        int position = kv.length(sequenceId);
        float[] logits = model.forward(Batch.ofPrompt(prompt, sequenceId, position), kv).get(prompt.length - 1);
        position += prompt.length;
        int[] out = new int[maxTokens];
        Batch step = new Batch(1);
        for (int i = 0; i < maxTokens; i++) {
            if (listener != null) {
                listener.onStep(i, logits);
            }
            int token = argmax(logits);
            out[i] = token;
            if (token == stopToken) {
                return Arrays.copyOf(out, i + 1);
            }
            if (i + 1 == maxTokens) {
                break;
            }
            step.clear();
            step.add(token, position++, sequenceId, true);
            logits = model.forward(step, kv).get(0);
        }
        return out;
    }
}
